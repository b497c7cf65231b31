"""The benchmark's M/M/c model in SimPy, for comparison with `carepath simulate`.

c = 10 servers, Poisson arrivals 9 per hour, exponential service mean 60 min (1 per hour per
server); times in minutes. Prints patients per second of simulation and the mean wait, which
should be near the Erlang C value (40.1 min).
"""
import random
import sys
import time

import simpy


def run(patients: int, servers: int = 10, arrivals_per_minute: float = 9 / 60,
        mean_service: float = 60.0, seed: int = 1) -> None:
    rng = random.Random(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    waited = [0.0, 0]

    def patient(env):
        arrived = env.now
        with desk.request() as request:
            yield request
            waited[0] += env.now - arrived
            waited[1] += 1
            yield env.timeout(rng.expovariate(1 / mean_service))

    def arrivals(env):
        for _ in range(patients):
            env.process(patient(env))
            yield env.timeout(rng.expovariate(arrivals_per_minute))

    env.process(arrivals(env))
    started, cpu_started = time.perf_counter(), time.process_time()
    env.run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(f"simpy: {patients} patients in {seconds:.3f} s; {patients / seconds:.0f} patients/s; "
          f"cpu {cpu:.3f} s; mean wait {waited[0] / max(1, waited[1]):.2f} min")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
