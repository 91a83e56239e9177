// Package parallel runs independent pieces of one computation on the
// machine's processors.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(0), …, fn(n-1), each once, on up to GOMAXPROCS goroutines,
// and returns when all have returned. The calls run in no set order; fn
// must be safe to run concurrently for different k.
func For(n int, fn func(k int)) {
	p := min(runtime.GOMAXPROCS(0), n)
	if p <= 1 {
		for k := range n {
			fn(k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range p {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				fn(k)
			}
		})
	}
	wg.Wait()
}
