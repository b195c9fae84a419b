//! The pure domain core of dieuhanh. No I/O: everything here is a function of its inputs,
//! so it is tested without a database or a network.

pub mod assignment;
pub mod audit;
pub mod calendar;
pub mod citizen_tally;
pub mod competence;
pub mod dossier;
pub mod dossier_tally;
pub mod files;
pub mod geography;
pub mod index766;
pub mod lunar;
pub mod open311;
pub mod org;
pub mod paging;
pub mod policy;
pub mod reporting;
pub mod staffing;
pub mod text;
pub mod time;
pub mod workflow;
