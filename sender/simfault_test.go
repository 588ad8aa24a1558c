package sender_test

// The client against the simulator (sender/apnstest) failing on purpose:
// what the client reports per outcome is what the simulator did.

import (
	"context"
	"testing"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
)

func TestOutcomesMatchTheSimulatorThroughFaults(t *testing.T) {
	for _, rule := range []string{"goaway=Shutdown,every=50", "drop,every=50", "reset,every=50"} {
		t.Run(rule, func(t *testing.T) {
			s := apnstest.NewServer()
			defer s.Close()
			if err := s.AddFault(rule); err != nil {
				t.Fatal(err)
			}
			c := localClient(s, demoP12(t, s), nil)
			defer c.Close()
			const n = 600
			rs := sendN(t, context.Background(), c, n, sender.BulkOptions{Concurrency: 10, Connections: 4})
			accepted := map[string]int{}
			for _, a := range s.Accepted() {
				accepted[a.Token]++
			}
			read := map[string]int{}
			for _, r := range s.Records() {
				read[r.Token]++
			}
			counts := map[sender.Outcome]int{}
			for i, res := range rs {
				tok := tokenN(i)
				counts[res.Outcome()]++
				switch res.Outcome() {
				case sender.OutcomeAccepted:
					if accepted[tok] != 1 {
						t.Errorf("token %d accepted by the client, %d times by the simulator", i, accepted[tok])
					}
				case sender.OutcomeUnconfirmed:
					if accepted[tok] != 0 || read[tok] > 1 {
						t.Errorf("unconfirmed token %d: accepted %d times, read %d times by the simulator", i, accepted[tok], read[tok])
					}
				default:
					t.Errorf("token %d: %v %v", i, res.Outcome(), res.Err)
				}
			}
			if len(accepted) != counts[sender.OutcomeAccepted] {
				t.Errorf("the simulator accepted %d tokens, the client reports %d accepted", len(accepted), counts[sender.OutcomeAccepted])
			}
			if rule[0] == 'g' && counts[sender.OutcomeAccepted] != n {
				t.Errorf("GOAWAY: %v, want every one accepted (the unprocessed go again)", counts)
			}
		})
	}
}
