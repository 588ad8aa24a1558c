package ui

// ring is a fixed-capacity FIFO: once full, each push drops the oldest
// item, so the log pane's memory stays bounded however long it runs.
// It is not safe for concurrent use; LogPane guards it with its mutex.
type ring[T any] struct {
	items []T
	start int // index of the oldest item
	n     int // items held
}

func newRing[T any](capacity int) *ring[T] {
	if capacity < 1 {
		capacity = 1
	}
	return &ring[T]{items: make([]T, capacity)}
}

// push appends v, dropping the oldest item when full; it reports whether
// an item was dropped.
func (r *ring[T]) push(v T) (dropped bool) {
	if r.n < len(r.items) {
		r.items[(r.start+r.n)%len(r.items)] = v
		r.n++
		return false
	}
	r.items[r.start] = v
	r.start = (r.start + 1) % len(r.items)
	return true
}

// len is the number of items held.
func (r *ring[T]) len() int { return r.n }

// at is the i-th oldest item held (0 ≤ i < len).
func (r *ring[T]) at(i int) T { return r.items[(r.start+i)%len(r.items)] }

// clear forgets every item.
func (r *ring[T]) clear() {
	var zero T
	for i := range r.items {
		r.items[i] = zero
	}
	r.start, r.n = 0, 0
}

// remove drops the items for which drop is true, keeping the others in
// order; it reports how many went.
func (r *ring[T]) remove(drop func(T) bool) int {
	kept := make([]T, 0, r.n)
	for i := 0; i < r.n; i++ {
		if v := r.at(i); !drop(v) {
			kept = append(kept, v)
		}
	}
	gone := r.n - len(kept)
	if gone > 0 {
		r.clear()
		for _, v := range kept {
			r.push(v)
		}
	}
	return gone
}
