// Package sender is APNs Console's core: it cleans device tokens as users
// paste them, builds and checks payloads, describes notifications (push
// types, priorities, topics), and sends them over Apple's HTTP/2 provider
// API on a pool of long-lived connections with many streams each (the
// connection itself is package sender/h2), telling the story of each send
// as a stream of events. Responses carry APNs' status, reason and Apple's
// explanation with a hint. Client.SendStream is the bulk send: it takes
// notifications as they are read and hands back each result as it
// completes, with one of four outcomes (Result.Outcome: accepted,
// rejected, not sent, or unconfirmed: written and never answered), in
// memory that does not grow with their number. A GOAWAY or a lost
// connection ends that connection, not the send: what the server did not
// process goes again on a new one.
//
// Credentials are loaded by package sender/credential, below this one; the
// retired binary protocol lives in sender/legacy, beside it; the local
// simulator that answers like APNs is package simulator (sender/apnstest is its httptest-style face). Front ends (the
// window in ui, the command line in cli) hold a client by the Sender
// interface.
package sender
