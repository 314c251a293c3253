// Database::Verify (integrity check) and Database::Dump (canonical dump).
#include <algorithm>
#include <sstream>

#include "db/database_impl.h"
#include "storage/format/manifest_generated.h"

namespace ruzu {
namespace {

// Order-independent fingerprint of an edge multiset (sum and xor of mixed
// hashes): forward and backward must produce the same one.
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
uint64_t EdgeHash(uint64_t src, uint64_t dst, uint64_t rel_id) {
  return Mix(Mix(Mix(src) ^ dst) ^ rel_id);
}

struct Fingerprint {
  uint64_t count = 0, sum = 0, x = 0;
  void Add(uint64_t h) {
    count++;
    sum += h;
    x ^= h;
  }
  bool operator==(const Fingerprint& o) const { return count == o.count && sum == o.sum && x == o.x; }
};

std::string TableLine(const TableSchema& t, const Catalog& catalog) {
  std::string out = std::string(t.is_node() ? "NODE TABLE " : "REL TABLE ") + t.name + "(";
  if (t.is_rel()) {
    out += "FROM " + catalog.GetTable(t.from_table)->name + " TO " + catalog.GetTable(t.to_table)->name;
  }
  for (size_t i = 0; i < t.properties.size(); i++) {
    if (i > 0 || t.is_rel()) out += ", ";
    out += t.properties[i].name + " " + LogicalTypeName(t.properties[i].type);
  }
  if (t.is_node()) out += ", PRIMARY KEY(" + t.properties[t.primary_key].name + ")";
  return out + ")";
}

std::string Row(const std::vector<Value>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); i++) {
    if (i > 0) out += "|";
    out += values[i].is_null() ? "NULL" : values[i].ToString();
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> Database::Impl::Verify() {
  std::shared_lock lock(mutex_);
  std::vector<std::string> problems;
  BufferPool* pool = pool_.get();

  // Page ownership: every page below page_count is used exactly once or free.
  struct Owned {
    PageExtent extent;
    std::string owner;
  };
  std::vector<Owned> owned;
  owned.push_back({PageExtent{header_.manifest_first_page, header_.manifest_page_count}, "manifest"});
  const format::Manifest* m = format::GetManifest(manifest_buffer_.get());
  if (m->free_list() != nullptr && m->free_list()->page_count() > 0) {
    owned.push_back({PageExtent{m->free_list()->first_page(), m->free_list()->page_count()}, "free list"});
  }
  auto collect = [&](TableId id, const auto& data) {
    std::vector<PageExtent> extents;
    Status s = data->CollectExtents(pool, &extents);
    const std::string owner = "table " + catalog_.GetTable(id)->name;
    if (!s.ok()) problems.push_back(owner + ": " + s.message());
    for (const auto& e : extents) owned.push_back({e, owner});
  };
  for (const auto& [id, data] : nodes_) collect(id, data);
  for (const auto& [id, data] : rels_) collect(id, data);
  std::vector<Owned> all = owned;
  Result<std::vector<PageExtent>> free_list = ReadFreeList();
  if (!free_list.ok()) {
    problems.push_back(free_list.status().message());
  } else {
    for (const PageExtent& e : *free_list) all.push_back({e, "free page"});
  }
  std::sort(all.begin(), all.end(), [](const Owned& a, const Owned& b) { return a.extent.first < b.extent.first; });
  uint64_t next = kFirstDataPage;
  for (const Owned& o : all) {
    const PageExtent& e = o.extent;
    if (e.first + e.count > header_.page_count) {
      problems.push_back(o.owner + " uses pages " + std::to_string(e.first) + "+" + std::to_string(e.count) +
                         " past the end of the file (" + std::to_string(header_.page_count) + " pages)");
    }
    if (e.first < next) {
      problems.push_back(o.owner + " uses page " + std::to_string(e.first) + ", which is also used elsewhere");
    } else if (e.first > next) {
      problems.push_back("pages " + std::to_string(next) + ".." + std::to_string(e.first - 1) +
                         " are neither used nor free");
    }
    next = std::max(next, e.first + e.count);
  }
  if (next < header_.page_count) {
    problems.push_back("pages " + std::to_string(next) + ".." + std::to_string(header_.page_count - 1) +
                       " are neither used nor free");
  }
  // Every used page reads back with a valid checksum.
  std::vector<char> page(kPageSize);
  for (const Owned& o : owned) {
    for (uint64_t i = 0; i < o.extent.count; i++) {
      Status s = pager_->ReadPage(o.extent.first + i, page.data());
      if (!s.ok()) problems.push_back(o.owner + ": " + s.message());
    }
  }

  for (const auto& [id, data] : nodes_) {
    Status s = data->VerifyIndex(pool, &problems);
    if (!s.ok()) problems.push_back("table " + catalog_.GetTable(id)->name + ": " + s.message());
  }

  // CSR: forward and backward hold the same edges; ids unique, below next id.
  for (const auto& [id, data] : rels_) {
    const TableSchema* t = catalog_.GetTable(id);
    const uint64_t rows[2] = {nodes_.at(t->from_table)->num_rows(), nodes_.at(t->to_table)->num_rows()};
    Fingerprint prints[2];
    bool bad = false;
    for (int dir = 0; dir < 2; dir++) {
      std::vector<bool> seen(data->next_rel_id(), false);
      for (uint64_t node = 0; node < rows[dir] && !bad; node++) {
        std::vector<CsrEdge> edges;
        Status s = data->Neighbours(pool, static_cast<Direction>(dir), node, &edges);
        if (!s.ok()) {
          problems.push_back("table " + t->name + ": " + s.message());
          bad = true;
          break;
        }
        for (const CsrEdge& e : edges) {
          if (e.rel_id >= seen.size() || seen[e.rel_id]) {
            problems.push_back("table " + t->name + (dir == 0 ? " forward" : " backward") + ": relationship id " +
                               std::to_string(e.rel_id) + (e.rel_id >= seen.size() ? " is not below next id" : " appears twice"));
            bad = true;
            break;
          }
          seen[e.rel_id] = true;
          if (e.neighbour >= rows[1 - dir]) {
            problems.push_back("table " + t->name + ": relationship " + std::to_string(e.rel_id) +
                               " points at missing node " + std::to_string(e.neighbour));
          } else {
            const TableId other = dir == 0 ? t->to_table : t->from_table;
            Result<bool> deleted = nodes_.at(other)->IsDeleted(pool, e.neighbour, kSeeAll);
            if (!deleted.ok() || *deleted) {
              problems.push_back("table " + t->name + ": relationship " + std::to_string(e.rel_id) +
                                 " points at deleted node " + std::to_string(e.neighbour));
            }
          }
          prints[dir].Add(dir == 0 ? EdgeHash(node, e.neighbour, e.rel_id) : EdgeHash(e.neighbour, node, e.rel_id));
        }
      }
    }
    if (bad) continue;
    if (!(prints[0] == prints[1])) {
      problems.push_back("table " + t->name + ": forward (" + std::to_string(prints[0].count) + " edges) and backward (" +
                         std::to_string(prints[1].count) + " edges) CSR do not hold the same relationships");
    }
    if (prints[0].count != data->num_edges()) {
      problems.push_back("table " + t->name + ": holds " + std::to_string(prints[0].count) + " edges but counts " +
                         std::to_string(data->num_edges()));
    }
  }
  return problems;
}

Result<std::string> Database::Impl::Dump() {
  std::shared_lock lock(mutex_);
  std::ostringstream out;
  BufferPool* pool = pool_.get();
  std::vector<const TableSchema*> tables;
  for (const TableSchema* t : catalog_.Tables()) {
    if (committed_.count(t->id)) tables.push_back(t);
  }
  std::sort(tables.begin(), tables.end(), [](const TableSchema* a, const TableSchema* b) { return a->name < b->name; });
  for (const TableSchema* t : tables) out << TableLine(*t, catalog_) << "\n";
  auto key_of = [&](TableId table, uint64_t offset) -> Result<std::string> {
    const TableSchema* s = catalog_.GetTable(table);
    ASSIGN_OR_RETURN(Value v, nodes_.at(table)->columns().Get(pool, offset, s->primary_key));
    return v.ToString();
  };
  for (const TableSchema* t : tables) {
    const uint64_t mark = committed_.at(t->id);
    std::vector<std::string> lines;
    if (t->is_node()) {
      const NodeTableData* data = nodes_.at(t->id).get();
      std::vector<std::vector<Value>> cols(t->properties.size());
      for (uint32_t c = 0; c < cols.size(); c++) {
        RETURN_IF_ERROR(data->columns().Scan(pool, c, 0, mark, &cols[c], commit_seq_));
      }
      for (uint64_t r = 0; r < mark; r++) {
        ASSIGN_OR_RETURN(bool deleted, data->IsDeleted(pool, r, commit_seq_));
        if (deleted) continue;
        std::vector<Value> row;
        for (auto& col : cols) row.push_back(col[r]);
        lines.push_back(Row(row));
      }
    } else {
      const RelTableData* data = rels_.at(t->id).get();
      const uint64_t src_rows = committed_.at(t->from_table);
      for (uint64_t src = 0; src < src_rows; src++) {
        std::vector<CsrEdge> edges;
        RETURN_IF_ERROR(data->Neighbours(pool, Direction::kForward, src, &edges, commit_seq_));
        for (const CsrEdge& e : edges) {
          if (e.rel_id >= mark) continue;
          ASSIGN_OR_RETURN(std::string from, key_of(t->from_table, src));
          ASSIGN_OR_RETURN(std::string to, key_of(t->to_table, e.neighbour));
          std::vector<Value> props;
          for (uint32_t c = 0; c < t->properties.size(); c++) {
            ASSIGN_OR_RETURN(Value v, data->properties().Get(pool, e.rel_id, c, commit_seq_));
            props.push_back(std::move(v));
          }
          lines.push_back(from + "->" + to + " {" + Row(props) + "}");
        }
      }
    }
    std::sort(lines.begin(), lines.end());
    out << t->name << " (" << lines.size() << ")\n";
    for (const std::string& line : lines) out << "  " << line << "\n";
  }
  return out.str();
}

}  // namespace ruzu
