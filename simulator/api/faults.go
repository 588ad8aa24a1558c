package api

import (
	"fmt"
	"net/http"
	"time"

	"apnsconsole/simulator"
)

// Faults are the fault rules (serve --fault, the same syntax) and the
// latency (serve --latency) in force:
//
//	{"faults":["status=503,every=10","goaway=Shutdown,rate=0.01"],"latency":"20ms±5ms"}
//
// A PUT changes the fields it gives (faults: [] removes every rule;
// latency: "" or "0" removes the delay); a DELETE removes both.
type Faults struct {
	Faults  *[]string `json:"faults,omitempty"`
	Latency *string   `json:"latency,omitempty"`
}

type faultsAnswer struct {
	Faults  []string `json:"faults"`
	Latency string   `json:"latency"`
}

func (a *API) faultsNow() faultsAnswer {
	out := faultsAnswer{Faults: []string{}}
	for _, f := range a.s.Faults() {
		out.Faults = append(out.Faults, f.String())
	}
	base, jitter := a.s.CurrentLatency()
	switch {
	case jitter > 0:
		out.Latency = base.String() + "±" + jitter.String()
	case base > 0:
		out.Latency = base.String()
	}
	return out
}

// GET /api/v1/faults
func (a *API) getFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, a.faultsNow())
}

// PUT /api/v1/faults
func (a *API) putFaults(w http.ResponseWriter, r *http.Request) {
	var in Faults
	if !readJSON(w, r, &in) {
		return
	}
	var rules []simulator.Fault
	if in.Faults != nil {
		if len(*in.Faults) > MaxFaults {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("faults: %d rules, at most %d", len(*in.Faults), MaxFaults))
			return
		}
		for i, text := range *in.Faults {
			f, err := simulator.ParseFault(text)
			if err != nil {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("faults[%d]: %v", i, err))
				return
			}
			rules = append(rules, f)
		}
	}
	var base, jitter time.Duration
	if in.Latency != nil && *in.Latency != "" && *in.Latency != "0" {
		var err error
		if base, jitter, err = simulator.ParseLatency(*in.Latency); err != nil {
			writeError(w, http.StatusBadRequest, "latency: "+err.Error())
			return
		}
	}
	if in.Faults != nil {
		a.s.SetFaults(rules)
	}
	if in.Latency != nil {
		a.s.SetLatency(base, jitter)
	}
	writeJSON(w, http.StatusOK, a.faultsNow())
}

// DELETE /api/v1/faults
func (a *API) deleteFaults(w http.ResponseWriter, r *http.Request) {
	a.s.SetFaults(nil)
	a.s.SetLatency(0, 0)
	writeJSON(w, http.StatusOK, a.faultsNow())
}
