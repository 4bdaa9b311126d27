// Camera scanning of the control slip's QR where the browser can decode it (BarcodeDetector:
// Chrome on Android, Edge, Chrome OS). Elsewhere the button stays hidden and the USB scanner
// or the keyboard fills the box. Nothing is sent anywhere but this application.
(function () {
  "use strict";
  var button = document.getElementById("camera-start");
  var video = document.getElementById("camera");
  var input = document.getElementById("ma");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      document.getElementById("camera-help").hidden = false;
      video.play();
      var look = function () {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            input.value = codes[0].rawValue;
            input.form.submit();
          } else {
            window.requestAnimationFrame(look);
          }
        }).catch(function () { window.requestAnimationFrame(look); });
      };
      look();
    }).catch(function () {
      button.hidden = true;
      document.getElementById("camera-help").textContent = "Không mở được camera. Hãy dùng máy quét hoặc gõ mã hồ sơ.";
      document.getElementById("camera-help").hidden = false;
    });
  });
}());
