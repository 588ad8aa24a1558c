package simulator

import (
	"context"

	"apnsconsole/simulator/query"
	"apnsconsole/simulator/store"
)

// The record store's searches, in the query language of package query
// (token:, topic:, status:, reason:, push-type:, apns-id:, collapse-id:,
// after:, before:, free text in the payload; - negates), so that a Go test
// asks what arrived without HTTP:
//
//	recs, err := s.Find("token:" + tok + " status:200")
//	recs, err := s.Wait(ctx, "topic:com.example.app", 3)

// Subscription receives the records answered from the time it was made
// (see Server.Subscribe).
type Subscription = store.Subscription[Record]

// WaitError is Wait's error when its context ends first: how many records
// matched by then (errors.Is it with context.DeadlineExceeded).
type WaitError = store.WaitError

// Find returns the kept records matching q, newest first; the error is
// the query's (see package query).
func (s *Server) Find(q string) ([]Record, error) {
	recs, _, err := s.FindPage(q, 0, 0)
	return recs, err
}

// FindPage returns at most limit (all when limit <= 0) of the kept records
// matching q, newest first after skipping start, with how many match.
func (s *Server) FindPage(q string, start, limit int) (page []Record, total int, err error) {
	s.settle.wait() // the answers being written count
	pq, err := query.Parse(q)
	if err != nil {
		return nil, 0, err
	}
	page, total = s.kept().Find(pq, start, limit)
	return page, total, nil
}

// Count is how many kept records match q.
func (s *Server) Count(q string) (int, error) {
	s.settle.wait() // the answers being written count
	pq, err := query.Parse(q)
	if err != nil {
		return 0, err
	}
	return s.kept().Count(pq), nil
}

// Latest is the newest kept record matching q ("" for any).
func (s *Server) Latest(q string) (Record, bool, error) {
	s.settle.wait() // the answers being written count
	pq, err := query.Parse(q)
	if err != nil {
		return Record{}, false, err
	}
	r, ok := s.kept().Latest(pq)
	return r, ok, nil
}

// Get is the newest kept record answered with apns-id id (any case).
func (s *Server) Get(apnsID string) (Record, bool) {
	s.settle.wait()
	return s.kept().ByID(apnsID)
}

// Wait blocks until at least n kept records match q (those already kept
// count) and returns the n newest; it returns as soon as the request that
// completes the count is answered. When ctx ends first the error is a
// *WaitError saying how many matched.
func (s *Server) Wait(ctx context.Context, q string, n int) ([]Record, error) {
	pq, err := query.Parse(q)
	if err != nil {
		return nil, err
	}
	return s.kept().Wait(ctx, pq, n)
}

// Delete forgets the kept records matching q ("" for all) and returns how
// many; the counts stay (Reset zeroes them too).
func (s *Server) Delete(q string) (int, error) {
	s.settle.wait() // the answers being written count
	pq, err := query.Parse(q)
	if err != nil {
		return 0, err
	}
	return s.kept().Delete(pq), nil
}

// Subscribe delivers each record matching q ("" for all) as it is
// answered, through a channel with room for buffer records: a reader that
// falls behind loses records (counted by Dropped) and never slows the
// server. Close the subscription when done.
func (s *Server) Subscribe(q string, buffer int) (*Subscription, error) {
	pq, err := query.Parse(q)
	if err != nil {
		return nil, err
	}
	return s.kept().Subscribe(pq, buffer), nil
}

// Kept is how many records are kept now, of at most KeepLimit.
func (s *Server) Kept() int { return s.kept().Len() }

// KeepLimit is how many records the server keeps at most (Keep, or
// DefaultKeep).
func (s *Server) KeepLimit() int { return s.kept().Keep() }

// Subscribers is how many subscriptions are open, and how many records
// all subscriptions have lost to full buffers.
func (s *Server) Subscribers() (open int, dropped uint64) { return s.kept().Subscribers() }
