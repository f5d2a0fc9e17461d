// The PostgreSQL store's schema: versioned migrations applied under an advisory lock.
#pragma once

#include <string>

#include "store/pg_connection.hpp"

namespace tw::pg {

/// The newest schema version this build knows.
int latest_schema_version();
/// Brings the database to latest_schema_version(), one transaction per version, serialised
/// with other processes by pg_advisory_xact_lock; throws for a database from a newer build.
/// Returns the version reached.
int migrate(Connection& db);
/// The wall-clock time as ISO text to the millisecond, for created_at and updated_at.
std::string wall_clock_iso();

}  // namespace tw::pg
