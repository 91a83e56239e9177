// Command floor is the borrowing-base benchmark's floor: the least any
// program can do with a receivables aging, one pass that sums its amount
// column to the cent. It reads the file as revolver does (memory-mapped,
// split at line boundaries across the cores) and prints the total, so that
// `revolver bbc` on the same file is measured against the cost of merely
// reading it (bench/run.sh).
//
//	go run ./bench/floor receivables.csv
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sync"
	"syscall"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: floor receivables.csv")
		os.Exit(2)
	}
	total, rows, err := sum(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	fmt.Printf("{\"rows\":%d,\"amount\":\"%d.%02d\"}\n", rows, total/100, total%100)
}

func sum(name string) (int64, int, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return 0, 0, fmt.Errorf("%s: empty or unreadable", name)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return 0, 0, err
	}
	defer syscall.Munmap(data)
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return 0, 0, fmt.Errorf("%s: no header line", name)
	}
	col := -1
	for i, h := range bytes.Split(bytes.TrimRight(data[:nl], "\r"), []byte(",")) {
		if string(bytes.TrimSpace(h)) == "amount" {
			col = i
		}
	}
	if col < 0 {
		return 0, 0, fmt.Errorf("%s: no amount column", name)
	}
	body := data[nl+1:]
	parts := runtime.GOMAXPROCS(0)
	type res struct {
		total int64
		rows  int
		err   error
	}
	out := make([]res, parts)
	var wg sync.WaitGroup
	start := 0
	for p := 0; p < parts; p++ {
		end := len(body)
		if p < parts-1 {
			end = len(body) * (p + 1) / parts
			if i := bytes.IndexByte(body[end:], '\n'); i >= 0 {
				end += i + 1
			} else {
				end = len(body)
			}
		}
		if end < start {
			end = start
		}
		wg.Add(1)
		go func(p int, chunk []byte) {
			defer wg.Done()
			out[p].total, out[p].rows, out[p].err = sumChunk(chunk, col)
		}(p, body[start:end])
		start = end
	}
	wg.Wait()
	var total int64
	rows := 0
	for _, r := range out {
		if r.err != nil {
			return 0, 0, r.err
		}
		total += r.total
		rows += r.rows
	}
	return total, rows, nil
}

// sumChunk sums the amount field (column col, "1234.56") of each line.
func sumChunk(b []byte, col int) (int64, int, error) {
	var total int64
	rows := 0
	for len(b) > 0 {
		f := 0
		i := 0
		for f < col && i < len(b) {
			if b[i] == ',' {
				f++
			} else if b[i] == '\n' {
				return 0, 0, fmt.Errorf("row %d: fewer fields than the header", rows+1)
			}
			i++
		}
		var cents int64
		neg, frac, seenDot := false, 0, false
		for ; i < len(b) && b[i] != ',' && b[i] != '\n' && b[i] != '\r'; i++ {
			switch c := b[i]; {
			case c == '-':
				neg = true
			case c == '.':
				seenDot = true
			case c >= '0' && c <= '9':
				cents = cents*10 + int64(c-'0')
				if seenDot {
					frac++
				}
			}
		}
		for ; frac < 2; frac++ {
			cents *= 10
		}
		if neg {
			cents = -cents
		}
		total += cents
		rows++
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		b = b[i+j+1:]
	}
	return total, rows, nil
}
