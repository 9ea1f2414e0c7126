"""Long work outside the request: a job row written in the request's transaction (the outbox),
run by `flask --app app worker` through Redis (RQ), with its progress kept on the row."""
