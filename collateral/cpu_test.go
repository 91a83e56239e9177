package collateral

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPUTime(t *testing.T) {
	dir := os.Getenv("CPUDIR")
	if dir == "" {
		t.Skip()
	}
	dd, _ := os.ReadFile(dir + "/debtors.csv")
	rd, _ := os.ReadFile(dir + "/receivables.csv")
	ds, _ := ReadDebtors("debtors.csv", dd, Options{})
	for range 8 {
		c0, w0 := cpuNow(), time.Now()
		_, err := ReadReceivables("receivables.csv", rd, "debtors.csv", ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("cpu %v wall %v", cpuNow()-c0, time.Since(w0))
	}
}
