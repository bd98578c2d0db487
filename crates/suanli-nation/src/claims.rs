//! Claims (placeholder).
