-- Issue #17, session 5: the outbox of alert notifications (budget thresholds, monitor transitions). A change is
-- recorded here as pending before it is marked as alerted; a sender takes it under a lease, delivers it and marks it
-- sent, so a crash between the mark and the send no longer loses it. The body is the notification's JSON, never a
-- destination's URL or key (those stay with the budget or monitor).
CREATE TABLE notification_outbox (
    id TEXT NOT NULL PRIMARY KEY,
    experiment_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_ns INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    lease_ns INTEGER,
    sent_ns INTEGER
);

CREATE INDEX notification_outbox_due ON notification_outbox (sent_ns, created_ns);
