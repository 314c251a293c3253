#include "query/engine.h"

#include <sstream>

#include "query/expression.h"
#include "query/operators.h"
#include "query/planner.h"

namespace ruzu {
namespace query {

namespace {

Result<std::vector<PropertyDef>> ColumnDefs(const std::vector<ColumnDefinition>& columns, std::string_view text) {
  std::vector<PropertyDef> out;
  for (const ColumnDefinition& c : columns) {
    PropertyDef def{c.name, LogicalType::kInt64};
    if (c.type_name == "SERIAL") {
      def.serial = true;
    } else {
      std::optional<LogicalType> type = ParseLogicalType(c.type_name);
      if (!type || !IsValidLogicalType(static_cast<uint8_t>(*type))) {
        return BinderError(text, c.position, "unknown type " + c.type_name);
      }
      def.type = *type;
    }
    if (c.default_value) {
      const Expression& e = *c.default_value;
      Value literal;
      switch (e.literal_kind) {
        case LiteralKind::kBool: literal = Value::Bool(e.bool_value); break;
        case LiteralKind::kInteger: literal = Value::Int64(e.int_value); break;
        case LiteralKind::kDouble: literal = Value::Double(e.double_value); break;
        case LiteralKind::kString: literal = Value::String(e.string_value); break;
        case LiteralKind::kNull: literal = Value::Null(def.type); break;
      }
      if (e.kind != ExpressionKind::kLiteral) return BinderError(text, e.position, "DEFAULT must be a literal value");
      if (def.serial) return BinderError(text, e.position, "a SERIAL property cannot have a DEFAULT");
      // DATE and TIMESTAMP defaults are written as strings: '2024-01-31'.
      Result<Value> converted = literal.CastTo(def.type);
      if (!converted.ok() && literal.type() == LogicalType::kString && def.type == LogicalType::kDate) {
        Result<int32_t> days = ParseDate(literal.string_value());
        converted = days.ok() ? Result<Value>(Value::Date(*days)) : Result<Value>(days.status());
      } else if (!converted.ok() && literal.type() == LogicalType::kString && def.type == LogicalType::kTimestamp) {
        Result<int64_t> micros = ParseTimestamp(literal.string_value());
        converted = micros.ok() ? Result<Value>(Value::Timestamp(*micros)) : Result<Value>(micros.status());
      }
      if (!converted.ok()) return BinderError(text, e.position, converted.status().message());
      def.default_value = *converted;
    }
    out.push_back(std::move(def));
  }
  return out;
}

Status Positioned(std::string_view text, const SourcePosition& pos, const Status& s) {
  if (s.ok()) return s;
  return BinderError(text, pos, s.message(), s.code());
}

Result<ResultTable> RunPlan(PlannedQuery* plan, StatementContext* ctx) {
  ExecContext exec(ctx->store, ctx->catalog, ctx->parameters, ctx->interrupted);
  exec.set_memory_limit(ctx->memory_limit);
  ResultTable out;
  out.column_names = plan->column_names;
  out.column_types = plan->column_types;
  DataChunk chunk;
  size_t width = out.column_names.size();
  while (true) {
    ASSIGN_OR_RETURN(bool more, plan->root->Next(&chunk, &exec));
    if (!more) break;
    for (size_t r = 0; r < chunk.num_rows; r++) {
      std::vector<Value> row(width);
      for (size_t c = 0; c < width && c < chunk.columns.size(); c++) row[c] = chunk.columns[c][r];
      RETURN_IF_ERROR(exec.ChargeMemory(ApproximateBytes(row)));
      out.rows.push_back(std::move(row));
    }
  }
  return out;
}

}  // namespace

Result<ResultTable> ExecuteStatement(const Statement& statement, StatementContext* ctx) {
  static const std::map<std::string, Value> kNoParameters;
  const std::map<std::string, Value>& params = ctx->parameters ? *ctx->parameters : kNoParameters;
  ResultTable empty;
  switch (statement.kind) {
    case StatementKind::kCreateNodeTable: {
      const auto& s = statement.As<CreateNodeTableStatement>();
      if (ctx->catalog->FindTable(s.table_name) != nullptr) {
        if (s.if_not_exists) return empty;
        return BinderError(ctx->text, s.position, "table " + s.table_name + " already exists",
                           StatusCode::kAlreadyExists);
      }
      ASSIGN_OR_RETURN(std::vector<PropertyDef> props, ColumnDefs(s.columns, ctx->text));
      // Validate on a copy first (clear errors without touching storage).
      Catalog check = *ctx->catalog;
      RETURN_IF_ERROR(Positioned(ctx->text, s.position, check.CreateNodeTable(s.table_name, props, s.primary_key).status()));
      ctx->wrote = true;
      Result<TableId> id = ctx->store->CreateNodeTable(s.table_name, props, s.primary_key);
      RETURN_IF_ERROR(Positioned(ctx->text, s.position, id.status()));
      TableSchema schema = *check.FindTable(s.table_name);
      schema.id = *id;
      RETURN_IF_ERROR(ctx->catalog->AddTable(schema));
      if (ctx->catalog->next_table_id() <= *id) ctx->catalog->set_next_table_id(*id + 1);
      return empty;
    }
    case StatementKind::kCreateRelTable: {
      const auto& s = statement.As<CreateRelTableStatement>();
      if (ctx->catalog->FindTable(s.table_name) != nullptr) {
        if (s.if_not_exists) return empty;
        return BinderError(ctx->text, s.position, "table " + s.table_name + " already exists",
                           StatusCode::kAlreadyExists);
      }
      for (const std::string* end : {&s.from_table, &s.to_table}) {
        const TableSchema* t = ctx->catalog->FindTable(*end);
        if (t == nullptr) {
          return BinderError(ctx->text, s.position, "table " + *end + " does not exist", StatusCode::kNotFound);
        }
        if (!t->is_node()) return BinderError(ctx->text, s.position, *end + " is not a node table");
      }
      ASSIGN_OR_RETURN(std::vector<PropertyDef> props, ColumnDefs(s.columns, ctx->text));
      Catalog check = *ctx->catalog;
      RETURN_IF_ERROR(Positioned(ctx->text, s.position,
                                 check.CreateRelTable(s.table_name, s.from_table, s.to_table, props).status()));
      ctx->wrote = true;
      Result<TableId> id = ctx->store->CreateRelTable(s.table_name, s.from_table, s.to_table, props);
      RETURN_IF_ERROR(Positioned(ctx->text, s.position, id.status()));
      TableSchema schema = *check.FindTable(s.table_name);
      schema.id = *id;
      RETURN_IF_ERROR(ctx->catalog->AddTable(schema));
      if (ctx->catalog->next_table_id() <= *id) ctx->catalog->set_next_table_id(*id + 1);
      return empty;
    }
    case StatementKind::kQuery: {
      bool wrote = false;
      Result<PlannedQuery> plan =
          PlanQuery(statement.As<QueryStatement>(), ctx->text, *ctx->catalog, params, ctx->store, &wrote);
      if (!plan.ok()) return plan.status();
      Result<ResultTable> r = RunPlan(&*plan, ctx);
      ctx->wrote |= wrote;
      return r;
    }
    case StatementKind::kExplain: {
      const auto& e = statement.As<ExplainStatement>();
      if (e.statement->kind != StatementKind::kQuery) {
        return BinderError(ctx->text, e.position, "EXPLAIN/PROFILE supports queries only", StatusCode::kUnsupported);
      }
      bool wrote = false;
      ASSIGN_OR_RETURN(PlannedQuery plan, PlanQuery(e.statement->As<QueryStatement>(), ctx->text, *ctx->catalog,
                                                    params, ctx->store, &wrote));
      bool profile = e.mode == ExplainMode::kProfile;
      if (profile) {
        Result<ResultTable> r = RunPlan(&plan, ctx);
        ctx->wrote |= wrote;
        RETURN_IF_ERROR(r.status());
      }
      ResultTable out;
      out.column_names = {profile ? "profile" : "physical plan"};
      out.column_types = {LogicalType::kString};
      out.rows.push_back({Value::String(PlanToString(*plan.root, profile))});
      return out;
    }
    default: return InternalError("transaction, COPY, DROP and ALTER statements are run by the connection");
  }
}

Status CheckStatement(const Statement& statement, std::string_view text, const Catalog& catalog) {
  const Statement* s = &statement;
  if (s->kind == StatementKind::kExplain) s = s->As<ExplainStatement>().statement.get();
  if (s->kind != StatementKind::kQuery) return Status::OK();
  std::map<std::string, Value> none;
  bool wrote = false;
  return PlanQuery(s->As<QueryStatement>(), text, catalog, none, nullptr, &wrote).status();
}

}  // namespace query
}  // namespace ruzu
