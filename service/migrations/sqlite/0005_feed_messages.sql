-- The key of every inbound HL7 message whose change was stored: who sent it (MSH-3|MSH-4),
-- its MSH-10, and a digest of what it said. Written in the same transaction as the change,
-- so a message sent again after a lost ACK is recognised and not applied twice, and a
-- control id reused for another message is refused instead of dropped.
CREATE TABLE feed_messages (
    sender      TEXT   NOT NULL,
    control_id  TEXT   NOT NULL,
    digest      TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (sender, control_id)
);
CREATE INDEX feed_messages_received ON feed_messages (received_at);
