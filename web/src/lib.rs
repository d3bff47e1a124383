//! The socklab page (to be written).
