package simulator

// DefaultKeep is how many records a Server or Gateway keeps by default:
// enough to read back a test or a session, bounded so that hours of load
// do not grow the simulator's memory.
const DefaultKeep = 10000

// ring keeps the last n values appended: memory stays flat however many
// are added.
type ring[T any] struct {
	buf   []T
	next  int // where the next value goes once buf is full
	limit int
}

func newRing[T any](limit int) ring[T] {
	if limit <= 0 {
		limit = DefaultKeep
	}
	return ring[T]{limit: limit}
}

func (r *ring[T]) add(v T) {
	if r.limit == 0 {
		r.limit = DefaultKeep
	}
	if len(r.buf) < r.limit {
		r.buf = append(r.buf, v)
		return
	}
	r.buf[r.next] = v
	r.next = (r.next + 1) % r.limit
}

// all returns a copy of the kept values, oldest first.
func (r *ring[T]) all() []T {
	out := make([]T, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}

func (r *ring[T]) reset() {
	r.buf, r.next = nil, 0
}
