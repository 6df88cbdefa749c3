"""The running cycle: calendar, planner, chases, alerts, round status and the APScheduler runner."""
