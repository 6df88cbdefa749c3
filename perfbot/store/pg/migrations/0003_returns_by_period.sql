-- A quarter's returns (a round's status, the dashboard, a report's ten or twenty quarters) are read
-- by period: without this index each such read scans every quarter's returns.
CREATE INDEX returns_by_period ON returns (period);
