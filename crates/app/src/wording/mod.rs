//! The French wording of the refusals shown by the web pages and the CLI, one module per area
//! (mails keep theirs in `mail::templates`).

mod audit;
mod money;
mod portal;
