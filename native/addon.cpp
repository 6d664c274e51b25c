// The native boundary: registers the addon's functions, copies each call's arguments
// (already validated in TypeScript) into one AttnParams, and runs it off the JS thread
// in a Napi::AsyncWorker that resolves a promise. C++ only re-checks invariants and
// turns every failure into a JS error; nothing here aborts the process.
#include <napi.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cpu/cpu.h"
#include "cuda_api.h"
#include "params.h"

namespace leet {
namespace {

// ---------------------------------------------------------------- device buffers

class DeviceBuffer : public Napi::ObjectWrap<DeviceBuffer> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "DeviceBuffer",
                       {InstanceMethod<&DeviceBuffer::Upload>("upload"),
                        InstanceMethod<&DeviceBuffer::Download>("download"),
                        InstanceMethod<&DeviceBuffer::Fill>("fill"),
                        InstanceMethod<&DeviceBuffer::Free>("free"),
                        InstanceAccessor<&DeviceBuffer::Bytes>("bytes"),
                        InstanceAccessor<&DeviceBuffer::Freed>("freed")});
  }

  explicit DeviceBuffer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DeviceBuffer>(info) {
    const double bytes = info[0].As<Napi::Number>().DoubleValue();
    if (!(bytes >= 1) || bytes > 1e15) {
      throw Napi::RangeError::New(info.Env(), "DeviceBuffer: expected a positive byte count");
    }
    bytes_ = (size_t)bytes;
    try {
      ptr_ = cuda::alloc(bytes_);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    live_bytes += bytes_;
  }
  ~DeviceBuffer() override { Release(); }

  void* ptr() const { return ptr_; }
  size_t bytes() const { return bytes_; }
  // Bytes of all buffers not yet freed (JS thread only): leak checks read it.
  static inline size_t live_bytes = 0;

 private:
  void Release() {
    if (ptr_) {
      try {
        cuda::release(ptr_);
      } catch (...) {
        // A failed free at collection time has nowhere to report to.
      }
      ptr_ = nullptr;
      live_bytes -= bytes_;
    }
  }
  void Check(const Napi::Env& env) const {
    if (!ptr_) throw Napi::Error::New(env, "DeviceBuffer was disposed");
  }
  static std::pair<void*, size_t> View(const Napi::Value& v) {
    auto ta = v.As<Napi::TypedArray>();
    auto* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data());
    return {base + ta.ByteOffset(), ta.ByteLength()};
  }
  Napi::Value Upload(const Napi::CallbackInfo& info) {
    Check(info.Env());
    auto [data, n] = View(info[0]);
    if (n > bytes_) throw Napi::RangeError::New(info.Env(), "DeviceBuffer.upload: source larger than buffer");
    try {
      cuda::copy_to_device(ptr_, data, n);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    return info.Env().Undefined();
  }
  Napi::Value Download(const Napi::CallbackInfo& info) {
    Check(info.Env());
    auto [data, n] = View(info[0]);
    if (n > bytes_) throw Napi::RangeError::New(info.Env(), "DeviceBuffer.download: target larger than buffer");
    try {
      cuda::copy_to_host(data, ptr_, n);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    return info.Env().Undefined();
  }
  Napi::Value Fill(const Napi::CallbackInfo& info) {
    Check(info.Env());
    try {
      cuda::fill_bytes(ptr_, info[0].As<Napi::Number>().Int32Value(), bytes_);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
    return info.Env().Undefined();
  }
  Napi::Value Free(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }
  Napi::Value Bytes(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), (double)bytes_); }
  Napi::Value Freed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), ptr_ == nullptr); }

  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

struct AddonData {
  Napi::FunctionReference device_buffer;
};

// ---------------------------------------------------------------- the baton

enum class Backend { Cpu, Cuda };

// Everything one call needs, copied out of JS objects on the main thread.
struct Baton {
  AttnParams p;
  Method method = Method::Vanilla;
  Backend backend = Backend::Cpu;
  std::vector<double> decay_rate;
  std::vector<int64_t> cu_seqlens;
  Napi::ObjectReference keep_alive;  // holds the typed arrays / buffers used by p
};

const void* pointer_of(const Napi::Env& env, const Napi::Value& v, Backend backend, const char* name) {
  auto* data = static_cast<AddonData*>(env.GetInstanceData<AddonData>());
  if (v.IsTypedArray()) {
    if (backend != Backend::Cpu) {
      throw Napi::TypeError::New(env, std::string("internal: ") + name + " is host memory on the cuda backend");
    }
    auto ta = v.As<Napi::TypedArray>();
    return static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  }
  if (v.IsObject() && v.As<Napi::Object>().InstanceOf(data->device_buffer.Value())) {
    if (backend != Backend::Cuda) {
      throw Napi::TypeError::New(env, std::string("internal: ") + name + " is device memory on the cpu backend");
    }
    auto* buf = DeviceBuffer::Unwrap(v.As<Napi::Object>());
    if (!buf->ptr()) throw Napi::Error::New(env, std::string(name) + " was disposed");
    return buf->ptr();
  }
  throw Napi::TypeError::New(env, std::string("internal: ") + name + " is neither a typed array nor a DeviceBuffer");
}

int64_t int_field(const Napi::Object& o, const char* key) {
  return (int64_t)o.Get(key).As<Napi::Number>().Int64Value();
}

// io: read q, k, v, o too (a StepPlan takes them per call instead).
std::unique_ptr<Baton> read_baton(const Napi::Env& env, const Napi::Object& o, bool io = true) {
  auto b = std::make_unique<Baton>();
  b->keep_alive = Napi::Persistent(o);
  b->backend = o.Get("backend").As<Napi::String>().Utf8Value() == "cuda" ? Backend::Cuda : Backend::Cpu;
  const int method = (int)int_field(o, "method");
  if (method < 0 || method > (int)Method::Fused) throw Napi::RangeError::New(env, "internal: method index out of range");
  b->method = (Method)method;
  const int dtype = (int)int_field(o, "dtype");
  if (dtype < 0 || dtype > 3) throw Napi::RangeError::New(env, "internal: dtype index out of range");
  AttnParams& p = b->p;
  p.dtype = (DType)dtype;
  p.B = int_field(o, "B");
  p.H = int_field(o, "H");
  p.N = int_field(o, "N");
  p.r = int_field(o, "r");
  p.d = int_field(o, "d");
  if (p.B < 1 || p.H < 1 || p.N < 1 || p.r < 1 || p.d < 1) throw Napi::RangeError::New(env, "internal: empty shape");
  if (io) {
    p.q = pointer_of(env, o.Get("q"), b->backend, "q");
    p.k = pointer_of(env, o.Get("k"), b->backend, "k");
    p.v = pointer_of(env, o.Get("v"), b->backend, "v");
    p.o = const_cast<void*>(pointer_of(env, o.Get("o"), b->backend, "o"));
  }
  auto rates = o.Get("decayRate").As<Napi::Float64Array>();
  if ((int64_t)rates.ElementLength() != p.H) throw Napi::RangeError::New(env, "internal: decayRate length != H");
  b->decay_rate.assign(rates.Data(), rates.Data() + rates.ElementLength());
  p.decay_rate = b->decay_rate.data();
  p.scale = o.Get("scale").As<Napi::Number>().DoubleValue();
  p.chunk = int_field(o, "chunk");
  p.threads = std::max(1, (int)int_field(o, "threads"));
  p.precision = o.Get("precision").As<Napi::String>().Utf8Value() == "tf32" ? Precision::TF32 : Precision::Exact;
  if (o.Has("initialState") && !o.Get("initialState").IsUndefined()) {
    p.initial_state = static_cast<const float*>(pointer_of(env, o.Get("initialState"), b->backend, "initialState"));
  }
  if (o.Has("finalState") && !o.Get("finalState").IsUndefined()) {
    p.final_state = static_cast<float*>(const_cast<void*>(pointer_of(env, o.Get("finalState"), b->backend, "finalState")));
  }
  if (o.Has("cuSeqlens") && !o.Get("cuSeqlens").IsUndefined()) {
    auto cu = o.Get("cuSeqlens").As<Napi::Float64Array>();
    for (size_t i = 0; i < cu.ElementLength(); ++i) b->cu_seqlens.push_back((int64_t)cu[i]);
    if (b->cu_seqlens.size() < 2 || b->cu_seqlens.front() != 0 || b->cu_seqlens.back() != p.N || p.B != 1) {
      throw Napi::RangeError::New(env, "internal: cuSeqlens must start at 0, end at N, with B == 1");
    }
    for (size_t i = 1; i < b->cu_seqlens.size(); ++i) {
      if (b->cu_seqlens[i] <= b->cu_seqlens[i - 1]) throw Napi::RangeError::New(env, "internal: cuSeqlens not increasing");
    }
    p.cu_seqlens = b->cu_seqlens.data();
    p.num_seqs = (int64_t)b->cu_seqlens.size() - 1;
  }
  return b;
}

void execute(const Baton& b) {
  if (b.backend == Backend::Cuda) {
    cuda::run(b.p, b.method);
  } else {
    cpu::run(b.p, b.method);
  }
}

// Runs the method once; resolves to undefined.
class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, std::unique_ptr<Baton> baton)
      : Napi::AsyncWorker(env, "leet-decoding:run"), baton_(std::move(baton)), deferred_(env) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      execute(*baton_);
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("unknown native error");
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<Baton> baton_;
  Napi::Promise::Deferred deferred_;
};

// A prepared decode step on the GPU: the call record (shapes, decay, scale, the
// decoder's state buffer as both initial and final state, so the step updates it in
// place) is read once; step(q, k, v, o) only swaps in four device pointers and launches
// from the JS thread without waiting (results are stream-ordered, as with runSync).
// This keeps a step's host cost to a few microseconds: no baton, no planning, no state
// allocation per token.
class StepPlan : public Napi::ObjectWrap<StepPlan> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "StepPlan", {InstanceMethod<&StepPlan::Step>("step")});
  }

  explicit StepPlan(const Napi::CallbackInfo& info) : Napi::ObjectWrap<StepPlan>(info) {
    const Napi::Env env = info.Env();
    baton_ = read_baton(env, info[0].As<Napi::Object>(), /*io=*/false);
    const AttnParams& p = baton_->p;
    if (baton_->backend != Backend::Cuda || p.N != 1 || !p.initial_state || p.initial_state != p.final_state) {
      throw Napi::Error::New(env, "internal: a StepPlan needs the cuda backend, N == 1 and one state buffer in place");
    }
    state_ = DeviceBuffer::Unwrap(info[0].As<Napi::Object>().Get("initialState").As<Napi::Object>());
  }

 private:
  Napi::Value Step(const Napi::CallbackInfo& info) {
    const Napi::Env env = info.Env();
    AttnParams& p = baton_->p;
    if (state_->ptr() != p.initial_state) throw Napi::Error::New(env, "the decoder's state was disposed");
    p.q = pointer_of(env, info[0], Backend::Cuda, "q");
    p.k = pointer_of(env, info[1], Backend::Cuda, "k");
    p.v = pointer_of(env, info[2], Backend::Cuda, "v");
    p.o = const_cast<void*>(pointer_of(env, info[3], Backend::Cuda, "o"));
    try {
      cuda::run(p, baton_->method, /*synchronize=*/false);
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, e.what());
    }
    return env.Undefined();
  }

  std::unique_ptr<Baton> baton_;
  DeviceBuffer* state_ = nullptr;
};

// Times the method: CUDA events around the kernels, or a monotonic clock on the CPU.
// Resolves to a Float64Array of milliseconds, one per repetition.
class TimeWorker : public Napi::AsyncWorker {
 public:
  TimeWorker(Napi::Env env, std::unique_ptr<Baton> baton, int warmup, int reps)
      : Napi::AsyncWorker(env, "leet-decoding:time"), baton_(std::move(baton)), warmup_(warmup), reps_(reps), deferred_(env) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      if (baton_->backend == Backend::Cuda) {
        ms_ = cuda::time(baton_->p, baton_->method, warmup_, reps_);
      } else {
        for (int i = 0; i < warmup_; ++i) cpu::run(baton_->p, baton_->method);
        for (int i = 0; i < reps_; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          cpu::run(baton_->p, baton_->method);
          const auto t1 = std::chrono::steady_clock::now();
          ms_.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
      }
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    auto out = Napi::Float64Array::New(Env(), ms_.size());
    std::copy(ms_.begin(), ms_.end(), out.Data());
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<Baton> baton_;
  int warmup_, reps_;
  std::vector<double> ms_;
  Napi::Promise::Deferred deferred_;
};

// Measures copy bandwidth (bytes read + written per second) on a backend.
class BandwidthWorker : public Napi::AsyncWorker {
 public:
  BandwidthWorker(Napi::Env env, bool on_cuda, double bytes, int threads)
      : Napi::AsyncWorker(env, "leet-decoding:bandwidth"), cuda_(on_cuda), bytes_(bytes), threads_(threads), deferred_(env) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      result_ = cuda_ ? cuda::copy_bandwidth((size_t)bytes_) : cpu::copy_bandwidth(threads_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), result_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  bool cuda_;
  double bytes_;
  int threads_;
  double result_ = 0;
  Napi::Promise::Deferred deferred_;
};

// ---------------------------------------------------------------- exported functions

Napi::Value Run(const Napi::CallbackInfo& info) {
  auto* w = new RunWorker(info.Env(), read_baton(info.Env(), info[0].As<Napi::Object>()));
  auto promise = w->Promise();
  w->Queue();
  return promise;
}

// Launches the method from the calling (JS) thread, for tiny CUDA calls such as a decode
// step, where a hop through the worker pool and a wait would cost more than the work.
// It does not wait: the results are stream-ordered before any later kernel or copy.
Napi::Value RunSync(const Napi::CallbackInfo& info) {
  auto baton = read_baton(info.Env(), info[0].As<Napi::Object>());
  try {
    if (baton->backend == Backend::Cuda) {
      cuda::run(baton->p, baton->method, /*synchronize=*/false);
    } else {
      execute(*baton);
    }
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

Napi::Value Time(const Napi::CallbackInfo& info) {
  auto baton = read_baton(info.Env(), info[0].As<Napi::Object>());
  const int warmup = std::max(0, info[1].As<Napi::Number>().Int32Value());
  const int reps = std::max(1, info[2].As<Napi::Number>().Int32Value());
  auto* w = new TimeWorker(info.Env(), std::move(baton), warmup, reps);
  auto promise = w->Promise();
  w->Queue();
  return promise;
}

Napi::Value CopyBandwidth(const Napi::CallbackInfo& info) {
  const bool on_cuda = info[0].As<Napi::String>().Utf8Value() == "cuda";
  const double bytes = info[1].As<Napi::Number>().DoubleValue();
  const int threads = std::max(1, info[2].As<Napi::Number>().Int32Value());
  auto* w = new BandwidthWorker(info.Env(), on_cuda, bytes, threads);
  auto promise = w->Promise();
  w->Queue();
  return promise;
}

// Waits for all GPU work of the library (benchmarks time a pipelined step loop with it).
Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  try {
    cuda::synchronize();
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return info.Env().Undefined();
}

Napi::Value MemInfo(const Napi::CallbackInfo& info) {
  size_t free_b = 0, total_b = 0;
  try {
    cuda::mem_info(&free_b, &total_b);
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  auto o = Napi::Object::New(info.Env());
  o.Set("free", (double)free_b);
  o.Set("total", (double)total_b);
  o.Set("inUse", (double)DeviceBuffer::live_bytes);
  return o;
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  auto o = Napi::Object::New(env);
  auto cpu = Napi::Object::New(env);
  cpu.Set("hardwareThreads", (double)std::max(1u, std::thread::hardware_concurrency()));
#if defined(__AVX2__) && defined(__FMA__)
  cpu.Set("simd", "avx2+fma");
#elif defined(__SSE2__)
  cpu.Set("simd", "sse2");
#else
  cpu.Set("simd", "scalar");
#endif
  o.Set("cpu", cpu);
  auto c = Napi::Object::New(env);
  c.Set("compiled", cuda::compiled());
  std::string reason;
  bool available = false;
  try {
    available = cuda::compiled() && cuda::available(&reason);
  } catch (const std::exception& e) {
    reason = e.what();
  }
  if (!cuda::compiled()) reason = "the addon was built without CUDA (nvcc was not found at build time)";
  c.Set("available", available);
  if (!available) c.Set("reason", reason);
  auto devs = Napi::Array::New(env);
  if (available) {
    try {
      uint32_t i = 0;
      for (const auto& d : cuda::devices()) {
        auto x = Napi::Object::New(env);
        x.Set("index", d.index);
        x.Set("name", d.name);
        x.Set("computeCapability", std::to_string(d.major) + "." + std::to_string(d.minor));
        x.Set("totalMemory", (double)d.total_bytes);
        x.Set("freeMemory", (double)d.free_bytes);
        x.Set("multiprocessors", d.multiprocessors);
        x.Set("l2Bytes", (double)d.l2_bytes);
        devs.Set(i++, x);
      }
    } catch (const std::exception& e) {
      c.Set("reason", e.what());
    }
  }
  c.Set("devices", devs);
  o.Set("cuda", c);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  Napi::Function buffer = DeviceBuffer::Init(env);
  data->device_buffer = Napi::Persistent(buffer);
  env.SetInstanceData<AddonData>(data);
  exports.Set("DeviceBuffer", buffer);
  exports.Set("StepPlan", StepPlan::Init(env));
  exports.Set("synchronize", Napi::Function::New(env, Synchronize, "synchronize"));
  exports.Set("run", Napi::Function::New(env, Run, "run"));
  exports.Set("runSync", Napi::Function::New(env, RunSync, "runSync"));
  exports.Set("time", Napi::Function::New(env, Time, "time"));
  exports.Set("copyBandwidth", Napi::Function::New(env, CopyBandwidth, "copyBandwidth"));
  exports.Set("memInfo", Napi::Function::New(env, MemInfo, "memInfo"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  return exports;
}

}  // namespace
}  // namespace leet

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return leet::Init(env, exports); }

NODE_API_MODULE(leet_decoding, InitAddon)
