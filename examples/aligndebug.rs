use lockstep::app::Workspace;
use lockstep::config::Settings;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(&args[1]);
    let ws = Workspace::load(root, Settings::default());
    let s = ws.file_id(&args[2]).unwrap();
    let t = ws.file_id(&args[3]).unwrap();
    let sd = ws.docs[s.index()].as_ref().unwrap();
    let td = ws.docs[t.index()].as_ref().unwrap();
    let sf = lockstep::align::features(sd, &ws.files[s.index()].path, &ws.index);
    let tf = lockstep::align::features(td, &ws.files[t.index()].path, &ws.index);
    let title = |d: &lockstep::parse::Document, i: usize| d.sections[i].heading.map(|h| d.headings[h].text.clone()).unwrap_or_default();
    for (i, f) in sf.iter().enumerate().take(40) {
        let best: Vec<(f64, usize)> = { let mut v: Vec<(f64,usize)> = tf.iter().enumerate().map(|(j, g)| (lockstep::align::similarity(f, g), j)).collect(); v.sort_by(|a,b| b.0.total_cmp(&a.0)); v.into_iter().take(3).collect() };
        println!("{i:3} L{} img{} code{} link{} tok{} {:40} | {}", f.level, f.images.len(), f.code.len(), f.links.len(), f.tokens.len(), title(sd,i).chars().take(40).collect::<String>(),
          best.iter().map(|(s,j)| format!("{:.2}:{}[{}l{}]", s, title(td,*j).chars().take(25).collect::<String>(), tf[*j].links.len(), tf[*j].level)).collect::<Vec<_>>().join("  "));
    }
}
