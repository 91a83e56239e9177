package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"revolver/store"
)

// Lists are paginated by key: a page holds at most limit records (default
// DefaultLimit, at most MaxLimit) after the key given as after (a record
// id; a slug for the facilities; a SHA-256 for a user's tokens and
// sessions), and says in next_after the key to ask
// after for the next page, null on the last page.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// page reads limit and after (a record id) of a list route, and from and
// to when the list has dates (dates true).
func (c *call) page(dates bool) (store.Page, error) { return readPage(c.r.URL.Query(), dates) }

func readPage(q url.Values, dates bool) (store.Page, error) {
	p := store.Page{Limit: DefaultLimit}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			return p, fieldErr("limit", "%q: expected an integer from 1 to %d", v, MaxLimit)
		case n > MaxLimit:
			return p, fieldErr("limit", "%d is above the maximum %d: ask for at most %d and follow next_after", n, MaxLimit, MaxLimit)
		}
		p.Limit = n
	}
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return p, fieldErr("after", "%q: expected a record id (an integer, 0 or more): the next_after of the previous page", v)
		}
		p.After = n
	}
	if dates {
		var err error
		if p.From, err = parseDate("from", q.Get("from"), false, 0); err != nil {
			return p, err
		}
		if p.To, err = parseDate("to", q.Get("to"), false, 0); err != nil {
			return p, err
		}
		if p.From != 0 && p.To != 0 && p.From > p.To {
			return p, fieldErr("to", "%s is before from %s", p.To, p.From)
		}
	}
	return p, nil
}

// keyPage reads limit and after of a list keyed by a SHA-256 (hex): after
// is the last key of the previous page, in lower case.
func (c *call) keyPage() (store.Page, string, error) {
	q := c.r.URL.Query()
	after := strings.ToLower(strings.TrimSpace(q.Get("after")))
	q.Del("after")
	p, err := readPage(q, false)
	if err != nil {
		return p, "", err
	}
	if after != "" {
		if b, err := hex.DecodeString(after); err != nil || len(b) != sha256.Size {
			return p, "", fieldErr("after", "%q: expected a SHA-256 (64 hexadecimal digits): the next_after of the previous page", q.Get("after"))
		}
	}
	return p, after, nil
}

// pageByKey is one page of a list read whole, in the order of its string
// keys: at most limit records with a key after after, and the key of the
// next page (nil: this is the last).
func pageByKey[T any](xs []T, limit int, after string, key func(T) string) ([]T, *string) {
	xs = slices.Clone(xs)
	slices.SortStableFunc(xs, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	i, found := slices.BinarySearchFunc(xs, after, func(x T, k string) int { return strings.Compare(key(x), k) })
	if found {
		i++
	}
	xs = xs[i:]
	if len(xs) <= limit {
		if xs == nil {
			xs = []T{}
		}
		return xs, nil
	}
	xs = xs[:limit]
	next := key(xs[len(xs)-1])
	return xs, &next
}

// more asks the store for one record more than the page holds, to know
// whether another page follows.
func more(p store.Page) store.Page {
	p.Limit++
	return p
}

// trimPage cuts what the store answered for more(p) to the page, and
// gives the key of the next page (nil: this is the last).
func trimPage[T any](xs []T, p store.Page, id func(T) int64) ([]T, *int64) {
	if xs == nil {
		xs = []T{}
	}
	if len(xs) <= p.Limit {
		return xs, nil
	}
	xs = xs[:p.Limit]
	next := id(xs[len(xs)-1])
	return xs, &next
}

// pageOf is one page of a list read whole (lists that stay short: pending
// approvals, requests, fact records), in the order of their ids.
func pageOf[T any](xs []T, p store.Page, id func(T) int64) ([]T, *int64) {
	xs = slices.Clone(xs)
	slices.SortStableFunc(xs, func(a, b T) int {
		switch x, y := id(a), id(b); {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	i, _ := slices.BinarySearchFunc(xs, p.After+1, func(x T, k int64) int {
		switch v := id(x); {
		case v < k:
			return -1
		case v > k:
			return 1
		}
		return 0
	})
	return trimPage(xs[i:], p, id)
}
