package ui

// storyLines keeps the lines that rows' stories have in common once: the
// request's headers, the body, the curl line, "outcome: 200 OK" are the
// same text in each of a bulk send's 10,000 rows, built anew for each
// (string concatenation, fmt). A finished row's lines are swapped for the
// copy already kept, and the row's own copies go with the garbage.
//
// It is bounded: past storyInternMax lines it starts afresh (the lines
// already shared stay shared; only new rows look them up again). Guarded
// by the pane's mutex.
type storyLines struct {
	seen map[string]string
}

// storyInternMax bounds the lines kept; storyInternLong is the longest
// line kept (a longer one is rarely repeated: a payload's own text is
// already shared by its rows, see addStory).
const (
	storyInternMax  = 4096
	storyInternLong = 512
)

// share replaces each line of story with the copy kept, keeping the
// lines not seen before.
func (s *storyLines) share(story []string) {
	if s.seen == nil || len(s.seen) >= storyInternMax {
		s.seen = make(map[string]string, 256)
	}
	for i, l := range story {
		if len(l) > storyInternLong || len(l) == 0 {
			continue
		}
		if kept, ok := s.seen[l]; ok {
			story[i] = kept
		} else if len(s.seen) < storyInternMax {
			s.seen[l] = l
		}
	}
}
