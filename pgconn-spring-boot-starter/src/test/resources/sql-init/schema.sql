-- PgConnStartupCheckBeforeSqlInitTest: a script Boot's R2DBC initializer would run
CREATE TABLE IF NOT EXISTS startup_check_probe (id int);
