#!/usr/bin/env python3
"""Synthesises the hourly profiles of examples/network/east-data-west.toml.

For each of China's eight "East Data West Computing" hubs (coordinates: network ANCHORS §1)
it makes a year of solar and wind capacity factors, keeps four representative weeks (one
per season, 672 hours; the network file sets `scale_to_year = true`) scaled to the hub's
annual capacity factor, and adds the hourly inference load of four eastern demand centres.

* Solar: clear-sky output from the sun's elevation at the hub's latitude and longitude
  (clock time is Beijing time, UTC+8, so western hubs see noon later), times a daily
  cloudiness factor (autocorrelated random), scaled so that the year's mean matches the
  hub's capacity factor below.
* Wind: an autocorrelated speed (a national weather pattern mixed with a local one, so
  that nearby hubs are correlated and distant ones less so), a seasonal cycle (windier in
  winter and spring in north China), through a generic power curve, scaled to the hub's
  capacity factor.
* Capacity factors: annual utilisation hours by province, rounded, as reported by China's
  National Energy Administration and China Electricity Council for 2023 [E: approximate
  values, set from the NEA/CEC provincial tables as remembered, to be checked against the
  source before any conclusion rests on them].
* Inference: a diurnal shape (Beijing time), lowest at 04:00 (0.6 of the mean) and highest
  in the evening (1.3), the same in every centre [E].

Deterministic (fixed seed). Usage: python3 scripts/synth_hub_profiles.py > examples/network/profiles_east_data_west.csv
"""
import math
import random

HUBS = {
    # name: (lat, lon, solar utilisation hours, wind utilisation hours)  [E] NEA/CEC 2023, rounded
    "zhongwei": (37.5, 105.2, 1500, 2100),     # Ningxia
    "qingyang": (35.7, 107.6, 1450, 2100),     # Gansu
    "horinger": (40.4, 111.8, 1600, 2600),     # Inner Mongolia
    "guian": (26.4, 106.4, 1000, 1900),        # Guizhou
    "zhangjiakou": (40.8, 115.0, 1450, 2300),  # Hebei (north)
    "yrd": (31.0, 120.9, 1100, 2000),          # Shanghai / Jiangsu / Zhejiang
    "shaoguan": (24.8, 113.6, 1100, 2000),     # Guangdong
    "tianfu": (30.4, 104.1, 1000, 2000),       # Sichuan
}
# Mean inference IT load of each eastern demand centre, MW [E]: 3.2 GW in all, against
# about 3.1 GW of IT in use in the ten hub clusters (1.95 M racks x 2.5 kW x 63 %, ANCHORS §1).
CENTRES = {"beijing": 1000, "shanghai": 1000, "guangzhou": 800, "chengdu": 400}
WEEKS = [14, 105, 196, 287]  # first day of each representative week: mid-Jan, Apr, Jul, Oct
HOURS = 8760


def solar_elevation_sin(lat, lon, day, hour_bj):
    decl = math.radians(23.44) * math.sin(2 * math.pi * (284 + day + 1) / 365)
    solar_time = hour_bj + 0.5 + (lon - 120.0) / 15.0  # middle of the hour, Beijing time is 120 E
    h = math.radians(15.0 * (solar_time - 12.0))
    p = math.radians(lat)
    return math.sin(p) * math.sin(decl) + math.cos(p) * math.cos(decl) * math.cos(h)


def ar1(rng, n, rho, sigma):
    x, out = 0.0, []
    for _ in range(n):
        x = rho * x + sigma * rng.gauss(0, 1)
        out.append(x)
    return out


def power_curve(v):
    """Generic turbine: cut-in 3 m/s, rated 12 m/s, cut-out 25 m/s."""
    if v < 3 or v > 25:
        return 0.0
    return 1.0 if v >= 12 else ((v - 3) / 9) ** 3


def scaled(series, target_mean):
    """Scales to the target mean, clipping at 1 and rescaling until the mean holds."""
    s = series
    for _ in range(50):
        m = sum(s) / len(s)
        if m <= 0:
            return s
        s = [min(1.0, v * target_mean / m) for v in s]
    return s


def main():
    rng = random.Random(20261206)
    national = ar1(rng, HOURS, 0.97, 0.25)
    columns = {}
    for name, (lat, lon, solar_h, wind_h) in HUBS.items():
        days = ar1(rng, 365, 0.6, 0.35)
        solar = []
        for t in range(HOURS):
            day, hour = divmod(t, 24)
            e = max(0.0, solar_elevation_sin(lat, lon, day, hour))
            clear = e ** 1.15
            cloud = min(1.0, max(0.15, 0.8 + days[day]))
            solar.append(clear * cloud)
        local = ar1(rng, HOURS, 0.95, 0.3)
        wind = []
        for t in range(HOURS):
            day = t // 24
            season = 1.0 + 0.18 * math.cos(2 * math.pi * (day - 60) / 365) if lat > 33 else 1.0
            diurnal = 1.0 + 0.08 * math.sin(2 * math.pi * ((t % 24) - 15) / 24)
            speed = 7.0 * season * diurnal * math.exp(0.6 * national[t] + 0.6 * local[t] - 0.2)
            wind.append(power_curve(speed))
        columns[f"{name}_solar_cf"] = (solar, solar_h / HOURS)
        columns[f"{name}_wind_cf"] = (wind, wind_h / HOURS)
    shape = [0.6 + 0.7 * (0.5 - 0.5 * math.cos(2 * math.pi * ((h - 4) % 24) / 24)) ** 1.5 for h in range(24)]
    mean = sum(shape) / 24
    keep = [d * 24 + h for d0 in WEEKS for d in range(d0, d0 + 7) for h in range(24)]
    # The kept weeks are scaled to the hub's annual capacity factor, so that the weighted
    # year has the year's energy.
    out = {n: scaled([v[t] for t in keep], target) for n, (v, target) in columns.items()}
    for c, mw in CENTRES.items():
        out[f"{c}_inference_mw"] = [mw * shape[t % 24] / mean for t in keep]
    names = list(out)
    print("hour," + ",".join(names))
    for i in range(len(keep)):
        print(str(i) + "," + ",".join(f"{out[n][i]:.4f}" for n in names))


if __name__ == "__main__":
    main()
