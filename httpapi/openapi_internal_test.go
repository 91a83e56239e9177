package httpapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/money"
)

// TestOpenAPIDeclarations: a route that does not say what it answers and
// decodes, in types the generator knows, is refused.
func TestOpenAPIDeclarations(t *testing.T) {
	s := &Server{}
	table := append(append(append(s.routeTable(), s.defaultsRoutes()...), s.observeRoutes()...), s.accessRoutes()...)
	base := Route{Method: "GET", Path: "/api/v1/x", Summary: "x", Public: true, Response: "Health"}
	if _, err := openAPIDoc(append(table, &base)); err != nil {
		t.Fatalf("a declared route: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(r *Route)
		want string
	}{
		{"no response type", func(r *Route) { r.Response = "" }, "declares no response type"},
		{"unknown response type", func(r *Route) { r.Response = "Nothing" }, `response "Nothing" has no Go type`},
		{"unknown request type", func(r *Route) { r.Method, r.Request = "POST", "Nothing" }, `request "Nothing" has no Go type`},
		{"request without requestDocs", func(r *Route) { r.Method, r.Request = "POST", "Health" }, "no entry in requestDocs"},
		{"204 with a body", func(r *Route) { r.Status = 204 }, "NoContent goes with 204"},
		{"NoContent with 200", func(r *Route) { r.Response = "NoContent" }, "NoContent goes with 204"},
		{"undocumented query parameter", func(r *Route) { r.Query = []string{"nothing"} }, `query parameter "nothing"`},
	} {
		r := base
		c.edit(&r)
		_, err := openAPIDoc(append(slices.Clone(table), &r))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	// routeDocs of a route that is gone.
	without := slices.DeleteFunc(slices.Clone(table), func(r *Route) bool { return r.Method == "POST" && r.Path == "/api/v1/facilities/{slug}/advances" })
	if _, err := openAPIDoc(without); err == nil || !strings.Contains(err.Error(), "routeDocs: POST /api/v1/facilities/{slug}/advances is not a route") {
		t.Errorf("routeDocs of no route: %v", err)
	}
}

type writesItself struct{}

func (writesItself) MarshalJSON() ([]byte, error) { return []byte(`"x"`), nil }

type textThroughPointer struct{ n int }

func (*textThroughPointer) MarshalText() ([]byte, error) { return []byte("x"), nil }

// TestOpenAPITypesItCannotDescribe: a type that writes its own JSON needs a
// type of its form in marshalsAs; a fieldDocs entry must name a field.
func TestOpenAPITypesItCannotDescribe(t *testing.T) {
	for _, c := range []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[writesItself](), "writes its own JSON"},
		{reflect.TypeFor[struct{ F writesItself }](), "writes its own JSON"},
		{reflect.TypeFor[textThroughPointer](), "only through a pointer"},
		{reflect.TypeFor[chan int](), "do not marshal"},
		{reflect.TypeFor[map[[2]int]string](), "map keys"},
	} {
		g := newSchemaGen()
		g.schema(c.typ)
		if err := g.err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.typ, err, c.want)
		}
	}
	fieldDocs[reflect.TypeFor[healthAnswer]()] = obj{"uptime": obj{}}
	defer delete(fieldDocs, reflect.TypeFor[healthAnswer]())
	if err := newSchemaGen().err(); err == nil || !strings.Contains(err.Error(), `no JSON field "uptime"`) {
		t.Errorf("fieldDocs of a field that is not there: %v", err)
	}
}

type embedded struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
	G string
}

type sample struct {
	embedded
	C      *int          `json:"c"`
	D      []string      `json:"d"`
	E      time.Time     `json:"e,omitzero"`
	F      int64         `json:"f,string"`
	B      string        `json:"b"` // shadows embedded.B
	Amount money.Amount  `json:"amount"`
	Date   date.Date     `json:"date,omitempty"`
	Opt    *money.Amount `json:"opt,omitempty"`
	Skip   string        `json:"-"`
	hidden string
}

// TestOpenAPISchemaIsWhatJSONWrites: the properties of a derived schema are
// the keys encoding/json writes for a full value, its required properties
// the keys it writes for an empty one; the types are those written.
func TestOpenAPISchemaIsWhatJSONWrites(t *testing.T) {
	g := newSchemaGen()
	s := g.structSchema(reflect.TypeFor[sample]())
	if err := g.err(); err != nil {
		t.Fatal(err)
	}
	keys := func(v any) []string {
		b, _ := json.Marshal(v)
		var m map[string]any
		json.Unmarshal(b, &m)
		out := slices.Collect(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		slices.Sort(out)
		return out
	}
	n, amt := 1, money.Amount(5)
	full := sample{embedded: embedded{A: "a", B: 2, G: "g"}, C: &n, D: []string{"x"}, E: time.Now(), F: 3, B: "b",
		Amount: 100, Date: date.MustParse("2006-03-31"), Opt: &amt, Skip: "s", hidden: "h"}
	var props []string
	for k := range s["properties"].(obj) {
		props = append(props, k)
	}
	slices.Sort(props)
	if got, want := props, keys(full); !slices.Equal(got, want) {
		t.Errorf("properties %v, json writes %v", got, want)
	}
	req := slices.Clone(s["required"].([]string))
	slices.Sort(req)
	if got, want := req, keys(sample{}); !slices.Equal(got, want) {
		t.Errorf("required %v, json writes %v for an empty value", got, want)
	}
	p := s["properties"].(obj)
	for name, want := range map[string]string{"a": "string", "b": "string", "f": "string", "amount": "string", "date": "string", "e": "string", "G": "string"} {
		if got := p[name].(obj)["type"]; got != want {
			t.Errorf("%s: type %v, want %s", name, got, want)
		}
	}
	if p["c"].(obj)["nullable"] != true {
		t.Errorf("a pointer without omitempty is written as null: %v", p["c"])
	}
	if p["opt"].(obj)["nullable"] == true {
		t.Errorf("a pointer with omitempty is left out, not null: %v", p["opt"])
	}
	if p["date"].(obj)["format"] != "date" || p["e"].(obj)["format"] != "date-time" || p["amount"].(obj)["pattern"] == nil {
		t.Errorf("date %v, time %v, amount %v", p["date"], p["e"], p["amount"])
	}
	if s["additionalProperties"] != false {
		t.Error("a struct allows other properties")
	}
}

// Every route's tag is one of tags, with its description (the linters
// refuse a tag without one).
func TestEveryRouteTagged(t *testing.T) {
	s := &Server{}
	for _, rt := range append(append(append(s.routeTable(), s.defaultsRoutes()...), s.observeRoutes()...), s.accessRoutes()...) {
		tag := tagOf(rt.Path)
		if !slices.ContainsFunc(tags, func(x struct {
			name, description string
			segments          []string
		}) bool {
			return x.name == tag && x.description != ""
		}) {
			t.Errorf("%s %s: tag %q is not in tags with a description", rt.Method, rt.Path, tag)
		}
	}
}
