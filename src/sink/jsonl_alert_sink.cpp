#include "sink/jsonl_alert_sink.hpp"

#include "sink/alert_export.hpp"

namespace tw {

JsonlAlertSink::JsonlAlertSink(const std::string& path) : file_(path) {}

void JsonlAlertSink::emit(Alert&& alert) {
  line_.clear();
  append_alert_json(line_, alert);
  line_.push_back('\n');
  file_.write(line_);
  ++count_;
}

}  // namespace tw
