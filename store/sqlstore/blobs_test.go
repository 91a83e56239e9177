package sqlstore

import (
	"bytes"
	"strings"
	"testing"

	"github.com/klauspost/compress/s2"
)

func s2Stream(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	w := s2.NewWriter(&out)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestDecodeBlob: a stream that does not decode, a size that does not
// match and an unknown encoding are errors naming what was found.
func TestDecodeBlob(t *testing.T) {
	for _, c := range []struct {
		stored []byte
		enc    string
		size   int64
		want   string
	}{
		{[]byte("not s2"), blobS2, 6, "s2"},
		{[]byte("abc"), "zip", 3, `encoding "zip" is not known`},
		{s2Stream(t, []byte("hello, world")), blobS2, 5, "s2 content of 12 bytes, size 5 stored"},
	} {
		if _, err := decodeBlob(c.stored, c.enc, c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("decodeBlob(%q, %q): %v, want an error with %q", c.stored, c.enc, err, c.want)
		}
	}
	if b, err := decodeBlob(s2Stream(t, []byte("hello, world")), blobS2, 12); err != nil || string(b) != "hello, world" {
		t.Errorf("s2 blob: %q %v", b, err)
	}
	if b, err := decodeBlob(nil, blobPlain, 0); err != nil || b == nil {
		t.Errorf("empty plain blob: %#v %v", b, err)
	}
}
