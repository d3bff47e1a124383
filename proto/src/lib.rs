//! socklab wire protocol (to be written).
