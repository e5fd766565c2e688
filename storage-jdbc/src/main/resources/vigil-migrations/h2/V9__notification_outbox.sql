-- Issue #17, session 5: the outbox of alert notifications (budget thresholds, monitor transitions). A change is
-- recorded here as pending before it is marked as alerted; a sender takes it under a lease, delivers it and marks it
-- sent, so a crash between the mark and the send no longer loses it. The body is the notification's JSON, never a
-- destination's URL or key (those stay with the budget or monitor).
CREATE TABLE notification_outbox (
    id VARCHAR(256) NOT NULL PRIMARY KEY,
    experiment_id VARCHAR(256) NOT NULL,
    kind VARCHAR(256) NOT NULL,
    subject VARCHAR(256) NOT NULL,
    body VARCHAR(1000000000) NOT NULL,
    created_ns BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    lease_ns BIGINT,
    sent_ns BIGINT
);

CREATE INDEX notification_outbox_due ON notification_outbox (sent_ns, created_ns);
