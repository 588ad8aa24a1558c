package ui

import (
	"reflect"
	"testing"
)

func ringItems(r *ring[int]) []int {
	out := []int{}
	for i := 0; i < r.len(); i++ {
		out = append(out, r.at(i))
	}
	return out
}

func TestRingKeepsTheNewestItems(t *testing.T) {
	r := newRing[int](3)
	for i := 1; i <= 2; i++ {
		if r.push(i) {
			t.Fatalf("push %d dropped an item before the ring was full", i)
		}
	}
	if got := ringItems(r); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Fatalf("items = %v, want [1 2]", got)
	}
	for i := 3; i <= 7; i++ {
		dropped := r.push(i)
		if want := i > 3; dropped != want {
			t.Fatalf("push %d dropped = %v, want %v", i, dropped, want)
		}
	}
	if got := ringItems(r); !reflect.DeepEqual(got, []int{5, 6, 7}) {
		t.Fatalf("items = %v, want [5 6 7]", got)
	}
	r.clear()
	if r.len() != 0 {
		t.Fatalf("len after clear = %d", r.len())
	}
	r.push(8)
	if got := ringItems(r); !reflect.DeepEqual(got, []int{8}) {
		t.Fatalf("items after clear and push = %v, want [8]", got)
	}
}
