package jsonw

import (
	"encoding/json"
	"testing"

	"revolver/money"
)

func TestOrderAndEscaping(t *testing.T) {
	var w Writer
	w.Open()
	w.Str("z", "a \"quoted\"\x01 <b>")
	w.Key("nested")
	w.Open()
	w.Amount("amount", money.Amount(-123456))
	w.Null("none")
	w.Close()
	w.Amount("a", 5)
	w.Close()
	want := `{"z":"a \"quoted\"\u0001 \u003cb\u003e","nested":{"amount":"-1234.56","none":null},"a":"0.05"}`
	if string(w.B) != want {
		t.Fatalf("got  %s\nwant %s", w.B, want)
	}
	if !json.Valid(w.B) {
		t.Fatal("not valid JSON")
	}
}
