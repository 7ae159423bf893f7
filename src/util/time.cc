#include "util/time.h"

#include <cstdio>
#include <ctime>

namespace kubeiam {
namespace {

std::tm ToTm(TimePoint t) {
  std::time_t tt = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

std::string Strftime(TimePoint t, const char* fmt) {
  std::tm tm = ToTm(t);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
  return std::string(buf, n);
}

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ValidDate(int y, int mo, int d, int h, int mi, int s) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || h > 23 || mi > 59 || s > 60) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(mo == 2 && d == 29 && !leap);
}

TimePoint Make(int y, int mo, int d, int h, int mi, int s) {
  int64_t days = DaysFromCivil(y, unsigned(mo), unsigned(d));
  return TimePoint(std::chrono::seconds(days * 86400 + h * 3600 + mi * 60 + s));
}

}  // namespace

std::string FormatAmzDate(TimePoint t) { return Strftime(t, "%Y%m%dT%H%M%SZ"); }
std::string FormatAmzDay(TimePoint t) { return Strftime(t, "%Y%m%d"); }
std::string FormatRfc3339(TimePoint t) { return Strftime(t, "%Y-%m-%dT%H:%M:%SZ"); }
std::string FormatRfc3339Micros(TimePoint t) {
  auto micros = std::chrono::floor<std::chrono::microseconds>(t);
  auto whole = std::chrono::floor<std::chrono::seconds>(micros);
  char frac[32];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>((micros - whole).count()));
  return Strftime(TimePoint(whole), "%Y-%m-%dT%H:%M:%S") + frac + "Z";
}
std::string FormatGoTime(TimePoint t) { return Strftime(t, "%Y-%m-%d %H:%M:%S +0000 UTC"); }

Result<TimePoint> ParseAmzDate(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() != 16 || !Digits(s, 0, 4, y) || !Digits(s, 4, 2, mo) || !Digits(s, 6, 2, d) ||
      s[8] != 'T' || !Digits(s, 9, 2, h) || !Digits(s, 11, 2, mi) || !Digits(s, 13, 2, sec) ||
      s[15] != 'Z' || !ValidDate(y, mo, d, h, mi, sec)) {
    return Fail(ErrorCode::kFormat, "expected the form 20060102T150405Z");
  }
  return Make(y, mo, d, h, mi, sec);
}

Result<TimePoint> ParseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  auto bad = [] { return Fail(ErrorCode::kFormat, "expected an RFC 3339 time such as 2006-01-02T15:04:05Z"); };
  if (!Digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !Digits(s, 11, 2, h) ||
      s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, sec) ||
      !ValidDate(y, mo, d, h, mi, sec)) {
    return bad();
  }
  size_t i = 19;
  std::chrono::nanoseconds frac{0};
  if (i < s.size() && s[i] == '.') {
    ++i;
    int64_t scale = 100000000, ns = 0;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (scale > 0) ns += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return bad();
    frac = std::chrono::nanoseconds(ns);
  }
  int offset_sec = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!Digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !Digits(s, i + 4, 2, om) ||
        oh > 23 || om > 59) {
      return bad();
    }
    offset_sec = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  auto t = Make(y, mo, d, h, mi, sec) - std::chrono::seconds(offset_sec);
  return std::chrono::time_point_cast<Clock::duration>(t + frac);
}

}  // namespace kubeiam
