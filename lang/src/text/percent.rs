//! (being written: see text/mod.rs for what this module will hold)
