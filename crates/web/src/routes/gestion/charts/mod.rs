//! `GET /gestion/graphiques?structure=&du=YYYY-MM&au=YYYY-MM`: the charts of one structure
//! over whole months (`app::charts`), each an inline SVG drawn on the server (`draw`) followed
//! by its figures as a table (`tables`), for screen readers and for print. `ViewBoards`.

mod draw;
mod page;
mod tables;

pub(super) use page::charts;
