package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"apnsconsole/simulator/query"
)

func q(t testing.TB, s string) query.Query {
	t.Helper()
	pq, err := query.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return pq
}

func add(s *Store[int], i int, token string, status int) {
	s.Add(&query.Doc{Token: token, Status: status, ApnsID: fmt.Sprintf("ID-%d", i), Payload: []byte(fmt.Sprintf(`{"n":%d}`, i))}, &i)
}

func TestBoundedByKeep(t *testing.T) {
	s := New[int](3)
	for i := 0; i < 10; i++ {
		add(s, i, "aa", 200)
	}
	if got := s.All(); fmt.Sprint(got) != "[7 8 9]" {
		t.Errorf("kept %v, want the last three", got)
	}
	if page, total := s.Find(q(t, "token:aa"), 0, 0); total != 3 || fmt.Sprint(page) != "[9 8 7]" {
		t.Errorf("token:aa found %v (%d), want 9 8 7", page, total)
	}
	if _, ok := s.ByID("ID-6"); ok {
		t.Error("an evicted value is still found by id")
	}
	if v, ok := s.ByID("id-8"); !ok || v != 8 {
		t.Errorf("ByID(id-8) = %v %v", v, ok)
	}
	if len(s.byToken["aa"]) != 3 || len(s.byID) != 3 {
		t.Errorf("indexes hold %d tokens' seqs and %d ids, want 3 and 3", len(s.byToken["aa"]), len(s.byID))
	}
}

func TestFindPagesNewestFirst(t *testing.T) {
	s := New[int](100)
	for i := 0; i < 20; i++ {
		add(s, i, []string{"aa", "bb"}[i%2], []int{200, 410}[i%2])
	}
	page, total := s.Find(q(t, "status:410"), 2, 3)
	if total != 10 || fmt.Sprint(page) != "[15 13 11]" {
		t.Errorf("page %v total %d", page, total)
	}
	page, total = s.Find(q(t, "token:bb -status:410"), 0, 0)
	if total != 0 || len(page) != 0 {
		t.Errorf("contradiction found %v", page)
	}
	if page, _ := s.Find(q(t, `"\"n\":4"`), 0, 0); fmt.Sprint(page) != "[4]" {
		t.Errorf("free text found %v", page)
	}
}

func TestDelete(t *testing.T) {
	s := New[int](5)
	for i := 0; i < 5; i++ {
		add(s, i, []string{"aa", "bb"}[i%2], 200)
	}
	if n := s.Delete(q(t, "token:bb")); n != 2 {
		t.Errorf("deleted %d, want 2", n)
	}
	if got := s.All(); fmt.Sprint(got) != "[0 2 4]" {
		t.Errorf("left %v", got)
	}
	for i := 5; i < 8; i++ { // evicts 0, 1 (deleted), 2
		add(s, i, "bb", 200)
	}
	if got := s.All(); fmt.Sprint(got) != "[4 5 6 7]" {
		t.Errorf("after more, kept %v, want [4 5 6 7]", got)
	}
	if page, total := s.Find(q(t, "token:bb"), 0, 0); total != 3 || fmt.Sprint(page) != "[7 6 5]" {
		t.Errorf("token:bb %v %d", page, total)
	}
	if n := s.Delete(query.Query{}); n != 4 || s.Len() != 0 || len(s.All()) != 0 {
		t.Errorf("delete all removed %d, left %d", n, s.Len())
	}
	add(s, 9, "aa", 200)
	if got := s.All(); fmt.Sprint(got) != "[9]" {
		t.Errorf("after delete all and one more, kept %v", got)
	}
}

func TestWait(t *testing.T) {
	s := New[int](100)
	add(s, 0, "aa", 200)
	// One already kept counts.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := s.Wait(ctx, q(t, "token:aa"), 1)
	if err != nil || fmt.Sprint(got) != "[0]" {
		t.Fatalf("wait for one kept: %v %v", got, err)
	}
	done := make(chan []int)
	go func() {
		got, err := s.Wait(ctx, q(t, "token:aa"), 3)
		if err != nil {
			t.Error(err)
		}
		done <- got
	}()
	for s.Waiting() == 0 {
		time.Sleep(time.Millisecond)
	}
	add(s, 1, "bb", 200)
	add(s, 2, "aa", 200)
	select {
	case got := <-done:
		t.Fatalf("wait returned %v with 2 of 3", got)
	case <-time.After(20 * time.Millisecond):
	}
	add(s, 3, "aa", 200)
	if got := <-done; fmt.Sprint(got) != "[3 2 0]" {
		t.Errorf("wait returned %v, want [3 2 0]", got)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel2()
	_, err = s.Wait(short, q(t, "token:aa"), 5)
	var we *WaitError
	if !errors.As(err, &we) || we.Matched != 3 || we.Want != 5 || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timed-out wait: %v", err)
	}
	if s.Waiting() != 0 {
		t.Error("a finished wait is still registered")
	}
}

func TestWaitCountsDeletesAndEvictions(t *testing.T) {
	s := New[int](2)
	add(s, 0, "aa", 200)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := s.Wait(ctx, q(t, "token:aa"), 2); done <- err }()
	for s.Waiting() == 0 {
		time.Sleep(time.Millisecond)
	}
	add(s, 1, "bb", 200)
	add(s, 2, "bb", 200) // evicts 0: no aa left
	add(s, 3, "aa", 200) // one aa
	select {
	case err := <-done:
		t.Fatalf("wait ended (%v) with one aa kept", err)
	case <-time.After(20 * time.Millisecond):
	}
	add(s, 4, "aa", 200)
	if err := <-done; err != nil {
		t.Error(err)
	}
}

func TestSubscriberLosesRatherThanBlocks(t *testing.T) {
	s := New[int](10)
	sub := s.Subscribe(query.Query{}, 2)
	only := s.Subscribe(q(t, "status:410"), 10)
	for i := 0; i < 5; i++ {
		add(s, i, "aa", []int{200, 410}[i%2]) // never blocks, though nobody reads
	}
	if sub.Dropped() != 3 {
		t.Errorf("dropped %d, want 3", sub.Dropped())
	}
	if a, b := <-sub.C(), <-sub.C(); a != 0 || b != 1 {
		t.Errorf("got %d %d, want the first two", a, b)
	}
	if len(only.C()) != 2 {
		t.Errorf("the status:410 subscriber got %d, want 2", len(only.C()))
	}
	if open, dropped := s.Subscribers(); open != 2 || dropped != 3 {
		t.Errorf("subscribers %d dropped %d", open, dropped)
	}
	sub.Close()
	sub.Close()
	if _, ok := <-sub.C(); ok {
		t.Error("C still open after Close")
	}
	add(s, 9, "aa", 200)
	if open, dropped := s.Subscribers(); open != 1 || dropped != 3 {
		t.Errorf("after close: subscribers %d dropped %d", open, dropped)
	}
}
