package store

import (
	"fmt"
	"strings"
	"testing"

	"apnsconsole/simulator/query"
)

// bench100k is a store of 100,000 kept notifications for 1,000 tokens,
// with 600-byte payloads, as bench/api fills through the API.
func bench100k(b *testing.B) *Store[int] {
	s := New[int](100000)
	body := `{"aps":{"alert":{"title":"Your order has shipped","body":"` + strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 9) + `"}},"order":{"id":"A-1234567"}}`
	for i := 0; i < 100000; i++ {
		v := i
		s.Add(&query.Doc{Token: fmt.Sprintf("%064x", i%1000), Status: 200, ApnsID: fmt.Sprintf("ID-%d", i), Payload: []byte(body)}, &v)
	}
	return s
}

// BenchmarkFind100k: a token: query (indexed) and free text (every payload
// read) over 100,000 kept; budgets 20 ms and 200 ms (the ratios printed).
func BenchmarkFind100k(b *testing.B) {
	s := bench100k(b)
	for _, c := range []struct {
		name, q string
		budget  float64 // ms
	}{
		{"token", "token:" + fmt.Sprintf("%064x", 500), 20},
		{"text", `"no such words"`, 200},
		{"status", "-status:200", 200},
	} {
		q, err := query.Parse(c.q)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s.Find(q, 0, 50)
			}
			ms := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / 1e6
			b.ReportMetric(ms/c.budget, "x-budget")
		})
	}
}
