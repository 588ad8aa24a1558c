package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// batch is one send command's work: a notification per usable token, and
// exactly one result slot per token given, in order.
type batch struct {
	ns      []*sender.Notification // the notifications to send
	results []sender.Result        // one per token; refused tokens are settled already
	pending []int                  // where each of ns's results goes
	dups    int                    // tokens that repeated an earlier one
}

// readBatch reads what both protocols share (tokens, payload, headers and
// credential) and makes the batch: tokens that cannot be used get their
// result now, so every token ends with exactly one.
func (f *sendFlags) readBatch(ctx context.Context, stdin io.Reader, out *printer) (*batch, *credential.Credential, error) {
	tokens, err := f.openTokens(stdin)
	if err != nil {
		return nil, nil, err
	}
	defer tokens.close()
	var rawTokens []tokenLine
	for {
		tl, err := tokens.nextOrStop(ctx) // standard input and pipes: Ctrl+C stops the wait
		if err == io.EOF {
			break
		}
		if errors.Is(err, errStopped) {
			return nil, nil, fmt.Errorf("cancelled while reading the tokens, after %d: nothing was sent", len(rawTokens))
		}
		if err != nil {
			return nil, nil, err
		}
		rawTokens = append(rawTokens, tl)
	}
	if len(rawTokens) == 0 {
		return nil, nil, inputError{fmt.Errorf("%s held no device token (it is empty, or only blank lines and # comments): put one token per line, or give --token TOKEN", tokens.source)}
	}
	base, cred, err := f.template()
	if err != nil {
		return nil, nil, err
	}
	b := &batch{results: make([]sender.Result, 0, len(rawTokens))}
	var seen seenTokens
	var warned tokenWarnings // tokens of unusual lengths, grouped
	defer warned.print(out)
	for _, tl := range rawTokens {
		n := *base
		if tl.err != nil {
			b.results = append(b.results, sender.Result{Notification: &n, Err: tl.err})
			continue
		}
		tok, err := sender.ParseToken(tl.raw)
		if err != nil {
			n.Token = tl.raw
			b.results = append(b.results, sender.Result{Notification: &n, Err: inputError{err}})
			continue
		}
		n.Token = tok.String()
		if seen.add(n.Token) {
			if b.dups++; b.dups == 1 {
				fix := "it is sent again; --unique drops repeats"
				if f.unique {
					fix = "--unique drops it and every further repeat"
				}
				out.warn(fmt.Sprintf("token %s (line %d) repeats an earlier one: %s", n.Token, tl.line, fix))
			}
			if f.unique {
				continue
			}
		}
		warned.add(tok, tl.line)
		b.ns = append(b.ns, &n)
		b.pending = append(b.pending, len(b.results))
		b.results = append(b.results, sender.Result{Notification: &n})
	}
	if b.dups > 1 {
		out.warn(fmt.Sprintf("%d tokens repeated an earlier one", b.dups))
	}
	return b, cred, nil
}

// settle files the results of sending b.ns.
func (b *batch) settle(rs []sender.Result) {
	for j, r := range rs {
		b.results[b.pending[j]] = r
	}
}

// dryRunExit prints the tokens refused before sending and returns the exit
// code of a dry run: 2 when any token could not be used.
func (b *batch) dryRunExit(out *printer) int {
	for _, r := range b.results {
		if r.Err != nil {
			out.result(r)
		}
	}
	if len(b.ns) < len(b.results) {
		return exitFailure
	}
	return exitOK
}

// checkCredential refuses a send without a credential (fix names the
// flags) and warns of one about to expire.
func (b *batch) checkCredential(cred *credential.Credential, out *printer, fix string) error {
	if cred == nil && len(b.ns) > 0 {
		return fmt.Errorf("%w: %s", sender.ErrNoCredential, fix)
	}
	if cred != nil {
		if w := cred.ExpiryWarning(time.Now()); w != "" {
			out.warn(w)
		}
	}
	return nil
}
