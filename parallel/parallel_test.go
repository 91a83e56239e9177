package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestForCallsEachOnce(t *testing.T) {
	for _, procs := range []int{1, 4} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 3, 1000} {
			calls := make([]atomic.Int32, n)
			For(n, func(k int) { calls[k].Add(1) })
			for k := range calls {
				if c := calls[k].Load(); c != 1 {
					t.Fatalf("GOMAXPROCS=%d n=%d: fn(%d) called %d times", procs, n, k, c)
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}
