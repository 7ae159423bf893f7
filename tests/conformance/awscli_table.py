# awscli's own table formatter on a list of cases read from stdin as JSON
# ([{"title": ..., "answer": ..., "width": N}, ...]); prints the list of tables as JSON.
import io
import json
import sys

from awscli.formatter import TableFormatter


class Args:
    color = "off"
    query = None


tables = []
for case in json.load(sys.stdin):
    formatter = TableFormatter(Args())
    formatter.table._terminal_width = case["width"]
    out = io.StringIO()
    formatter._format_response(case["title"], case["answer"], out)
    tables.append(out.getvalue())
json.dump(tables, sys.stdout)
