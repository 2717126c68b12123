"""flask-smorest's Blueprint, with a parser that keeps one instance of each argument schema class.

webargs makes a new instance of a schema class for every request it parses (about 70 µs for a record's
body, 7 % of a `POST /api/records/<obj>`); a schema keeps nothing between loads, so one serves them all.
"""
import marshmallow as ma
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser


class SchemaReusingParser(FlaskParser):
    def __init__(self):
        super().__init__()
        self._schemas: dict[type, ma.Schema] = {}

    def _get_schema(self, argmap, req) -> ma.Schema:
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            if argmap not in self._schemas:
                self._schemas[argmap] = argmap()
            return self._schemas[argmap]
        return super()._get_schema(argmap, req)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = SchemaReusingParser()
