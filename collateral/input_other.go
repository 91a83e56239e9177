//go:build !linux

package collateral

import (
	"os"
	"unsafe"
)

func readInput(path string) (data []byte, release func(), err error) {
	data, err = os.ReadFile(path)
	return data, func() {}, err
}

func hugePages(unsafe.Pointer, uintptr) {}
