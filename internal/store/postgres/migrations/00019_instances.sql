-- +goose Up
-- The running orgdir servers, each writing its heartbeat every few
-- seconds, so that each knows how many share the load: the API throttle
-- gives each instance its share of a limit. A random id per process;
-- nothing about the host is kept.
CREATE TABLE instances (
    id         TEXT COLLATE "C" PRIMARY KEY,
    seen_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE instances;
