package notify_test

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"revolver/notify"
)

// A receiver checks the signature of each webhook before trusting its
// body.
func ExampleVerify() {
	secret := "whsec_example"
	body := []byte(`{"kind":"certificate_submitted","facility":"btu"}`)
	at := time.Unix(1767225600, 0)
	header := notify.Sign(secret, at, body)
	fmt.Println(header)
	fmt.Println(notify.Verify(secret, header, body, at.Add(time.Minute), 0))
	fmt.Println(notify.Verify(secret, header, []byte(`{"kind":"forged"}`), at, 0))
	fmt.Println(notify.Verify(secret, header, body, at.Add(time.Hour), 0))
	// Output:
	// t=1767225600,v1=47af19e1111d3e936ee68a48c4dfecc33e957d60fe74f7d749db891d91c84bd5
	// <nil>
	// signature: no v1 value matches the body
	// signature: timestamp outside the tolerance
}

// In an HTTP handler:
func ExampleVerify_handler() {
	secret := "whsec_example"
	_ = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if err := notify.Verify(secret, r.Header.Get(notify.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		// The event is authentic: act on it once per X-Revolver-Delivery.
		w.WriteHeader(http.StatusNoContent)
	})
}
