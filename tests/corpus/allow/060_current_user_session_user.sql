-- dialect: postgres
-- expect: allow
-- why: current_user and session_user (keyword functions without parentheses) are allowed.
SELECT current_user, session_user, current_date
