SELECT current_user, session_user, current_date
