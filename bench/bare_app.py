"""The yardstick for the real-terminal rows: a bare Textual app (header, a 50-row DataTable, footer), run as its
own process in the same pseudo-terminal as `complaints` (bench/term_bench.py)."""

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("a", "b", "c")
        for i in range(50):
            table.add_row(str(i), "x" * 10, "y" * 10)


if __name__ == "__main__":
    Bare().run()
