-- Durable outbox: messages to other systems (today HL7 v2.5 RAS^O17 to the EPR), written
-- in the same transaction as what they report and sent from here in order per patient
-- (partition_key = NHS number), retried until the receiver accepts (AA). control_id is
-- the message's MSH-10, fixed here and reused on every retry so the receiver can drop
-- duplicates. States: pending (to send, at or after next_attempt_at), sent (AA received,
-- never sent again), held (the receiver answered AE or AR: kept, visible, blocking the
-- patient's later messages until `bedside outbox retry ID` re-queues it).
CREATE TABLE outbox (
    id                BIGSERIAL PRIMARY KEY,
    destination       TEXT    NOT NULL,
    partition_key     TEXT    NOT NULL,
    control_id        TEXT    NOT NULL UNIQUE,
    kind              TEXT    NOT NULL CHECK (kind IN ('administration', 'entered_in_error')),
    administration_id BIGINT  NOT NULL,
    payload           TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'held')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT  NOT NULL,
    last_ack_code     TEXT,
    last_error        TEXT,
    created_at        BIGINT  NOT NULL,
    sent_at           BIGINT,
    updated_at        BIGINT  NOT NULL
);
CREATE INDEX outbox_unsent ON outbox (state, partition_key, id);
CREATE INDEX outbox_partition ON outbox (partition_key, id);
