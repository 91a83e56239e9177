package collateral

import (
	"os"
	"syscall"
	"unsafe"
)

// readInput maps a file into memory read-only (the pages come straight
// from the page cache, without copying or zeroing); release unmaps it.
// Small and empty files are read as usual.
func readInput(path string) (data []byte, release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := st.Size()
	if !st.Mode().IsRegular() || size < 1<<20 || size >= 1<<31 {
		data, err := os.ReadFile(path)
		return data, func() {}, err
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
	if err != nil {
		data, err := os.ReadFile(path)
		return data, func() {}, err
	}
	return data, func() { syscall.Munmap(data) }, nil
}

// hugePages asks the kernel to back the n bytes at p with transparent huge
// pages (where it allows them for madvised memory), so that filling a large
// table just allocated costs a fault per 2 MiB instead of per 4 KiB. It
// changes nothing that is read, only how the memory is mapped; refused
// advice is ignored. Called on memory not yet touched: a large allocation
// comes straight from the operating system.
func hugePages(p unsafe.Pointer, n uintptr) {
	const page = 4096
	start := (uintptr(p) + page - 1) &^ (page - 1)
	end := (uintptr(p) + n) &^ (page - 1)
	if end <= start || end-start < 2<<20 {
		return
	}
	b := unsafe.Slice((*byte)(p), n)
	syscall.Madvise(b[start-uintptr(p):end-uintptr(p)], syscall.MADV_HUGEPAGE)
}
