-- A user's session epoch: every access token and session carries the epoch it began under, and
-- a password change or disabling the user moves it on, which ends all of the user's sessions
-- at once, also while Redis (the session store) is unreachable.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
