-- Each lane looks for its own kinds of job. With only (status, run_at), an idle lane's probe
-- walked every queued job of the other lanes (a fan-out's 10,000 deliveries) on each poll;
-- per kind, this index answers it in one seek (store.ClaimJob, store.NextJobAt).
CREATE INDEX jobs_status_kind_run_at ON jobs (status, kind, run_at);
