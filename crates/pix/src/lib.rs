//! bedside-pix
